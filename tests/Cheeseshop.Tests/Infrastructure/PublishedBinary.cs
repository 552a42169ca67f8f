using System.Security.Cryptography;
using System.Text;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// The single-file, self-contained <c>cheeseshop</c> as the documented command publishes it
/// (<c>dotnet publish src/Cheeseshop -c Release -p:PublishProfile=linux-x64</c>), copied alone into a folder
/// of its own so that a test proves it runs without anything beside it. Publishing takes minutes, so it
/// happens at most once per test run, and only when a test asks; the result is kept in the test cache
/// (~/.cache/cheeseshop-tests/published) under a digest of the sources, and reused while they are
/// unchanged. It publishes from a copy of the sources, so it never touches the build the other tests run.
/// CHEESESHOP_TEST_PUBLISHED names an executable to use instead.
/// </summary>
public static class PublishedBinary
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The executable; only after <see cref="EnsureAsync"/>.</summary>
    public static string Path => Published.Value.IsCompletedSuccessfully
        ? Published.Value.Result
        : throw new InvalidOperationException("Call PublishedBinary.EnsureAsync first.");

    public static Task<string> EnsureAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        var given = Environment.GetEnvironmentVariable("CHEESESHOP_TEST_PUBLISHED");
        if (!string.IsNullOrEmpty(given))
            return File.Exists(given) ? System.IO.Path.GetFullPath(given)
                : throw new FileNotFoundException($"CHEESESHOP_TEST_PUBLISHED names {given}, which does not exist.");
        var root = RepositoryRoot.TryFind() ?? throw new InvalidOperationException("The repository (Cheeseshop.slnx) was not found above the tests.");
        var sources = SourceFiles(root);
        var cache = System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME")
            ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "cheeseshop-tests", "published");
        var alone = System.IO.Path.Combine(cache, Digest(root, sources), "cheeseshop");
        if (File.Exists(alone)) return alone;

        var work = TempPaths.NewDirectory("publish");
        foreach (var file in sources)
        {
            var target = System.IO.Path.Combine(work, System.IO.Path.GetRelativePath(root, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var output = System.IO.Path.Combine(work, "dist");
        var result = await ProcessRunner.RunAsync(ServerBinary.DotnetHost,
            ["publish", System.IO.Path.Combine(work, "src", "Cheeseshop", "Cheeseshop.csproj"), "-c", "Release", "-p:PublishProfile=linux-x64", "-o", output],
            new Dictionary<string, string?>(), stdin: null, workingDirectory: work, timeout: TimeSpan.FromMinutes(15));
        var executable = System.IO.Path.Combine(output, "cheeseshop");
        if (!result.Succeeded || !File.Exists(executable))
            throw new InvalidOperationException($"dotnet publish of the single-file program failed.\n{result}");
        // Into the cache by a rename, so a run stopped half way never leaves a half-copied program there.
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(alone)!);
        var partial = alone + "." + Guid.NewGuid().ToString("N");
        File.Copy(executable, partial);
        File.Move(partial, alone, overwrite: true);
        PruneCache(cache, keep: System.IO.Path.GetDirectoryName(alone)!);
        return alone;
    }

    /// <summary>Each change to the sources adds a program of about a hundred megabytes to the cache: keep the one
    /// just made and the two before it (another checkout may still be on those), remove the rest.</summary>
    private static void PruneCache(string cache, string keep)
    {
        var older = new DirectoryInfo(cache).EnumerateDirectories()
            .Where(d => d.FullName != keep)
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .Skip(2);
        foreach (var dir in older)
        {
            try { dir.Delete(recursive: true); }
            catch (IOException) { } // another run is publishing into it or reading it: the next run prunes it
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>What the program is built from: the sources of both projects and the files around the build.</summary>
    private static List<string> SourceFiles(string root)
    {
        var files = new List<string> { System.IO.Path.Combine(root, "Directory.Build.props") };
        foreach (var project in new[] { "Cheeseshop", "Cheeseshop.Core" })
        {
            var dir = System.IO.Path.Combine(root, "src", project);
            files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => System.IO.Path.GetRelativePath(dir, f).Split(System.IO.Path.DirectorySeparatorChar)[0] is not ("bin" or "obj")));
        }
        foreach (var extra in new[] { "NuGet.config", "nuget.config", "global.json" })
        {
            var path = System.IO.Path.Combine(root, extra);
            if (File.Exists(path)) files.Add(path);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string Digest(string root, List<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(root, file) + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
