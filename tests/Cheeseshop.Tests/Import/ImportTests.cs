using System.Text.Json;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Import;

/// <summary>
/// `cheeseshop import DIR --owner USER` with wheels and sdists built in the test, in a folder tree as
/// pypiserver keeps them: every file goes in through the upload rules with its file time as upload time,
/// pip installs them, a broken file is refused by name, and a second run skips what is there.
/// </summary>
public sealed class ImportTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private static readonly DateTime FileTime = new(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_folder_of_wheels_and_sdists_is_imported_with_its_file_times_and_a_second_run_skips_it(Database database)
    {
        var server = await ServerAsync(database);
        var suffix = database == Database.Sqlite ? "-ims" : "-imp";
        var owner = "importer" + suffix;
        await server.CreateUserAsync(owner, Password);
        var alpha = await BuildAsync("cheese-alpha", "1.0", suffix);
        var beta = await BuildAsync("cheese-beta", "2.0", suffix);
        var dir = TempPaths.NewDirectory("import");
        foreach (var (project, file) in new[] { alpha, beta }.SelectMany(p => p.Files.Select(f => (p, f))))
        {
            var target = Path.Combine(dir, project.ProjectName, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, FileTime);
        }
        await File.WriteAllTextAsync(Path.Combine(dir, $"broken{suffix.Replace('-', '_')}-1.0-py3-none-any.whl"), "not a zip file");

        var first = Logged(await server.RunCliAsync("import", dir, "--owner", owner));
        AssertEqual(1, first.ExitCode, "import's exit code with one broken file");
        AssertOutputContains(first, "4 imported, 0 already there, 1 refused.", "the summary");
        Assert.Matches(@"refused: broken_im.-1\.0-py3-none-any\.whl: Invalid distribution file", first.Stderr);

        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, server, alpha.ProjectName, beta.ProjectName), "pip install of the imported projects");
        AssertEqual("2.0", await InstalledVersionAsync(venv, beta.ProjectName), "installed version of beta");
        foreach (var project in new[] { alpha, beta })
        {
            using var json = JsonDocument.Parse(await server.Http.GetStringAsync($"pypi/{project.ProjectName}/json"));
            var urls = json.RootElement.GetProperty("urls").EnumerateArray().ToList();
            AssertEqual(2, urls.Count, $"files of {project.ProjectName}");
            foreach (var url in urls)
            {
                Assert.StartsWith("2021-03-04T05:06:07", url.GetProperty("upload_time_iso_8601").GetString());
                var sha = url.GetProperty("digests").GetProperty("sha256").GetString();
                var local = project.Files.Single(f => Path.GetFileName(f) == url.GetProperty("filename").GetString());
                AssertEqual(Sha256Of(local), sha, $"digest of {Path.GetFileName(local)}");
            }
        }
        var owned = await server.WithDbAsync(db => db.Roles.CountAsync(r => r.User!.Username == owner && r.RoleName == "Owner"));
        AssertEqual(2, owned, "projects the import made, owned by --owner");

        var second = Logged(await server.RunCliAsync("import", dir, "--owner", owner));
        AssertOutputContains(second, "0 imported, 4 already there, 1 refused.", "the summary of a second run");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_file_over_the_size_limit_is_refused_by_name_and_the_rest_of_the_folder_is_imported(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Limits__MaxFileBytes"] = "100000",
        });
        Watch(server);
        await server.CreateUserAsync("importer-limited", Password);
        var dir = TempPaths.NewDirectory("import-limit");
        await File.WriteAllBytesAsync(Path.Combine(dir, TestDistributions.WheelName("small-cheese", "1.0")),
            TestDistributions.Wheel("small-cheese", "1.0"));
        // Random bytes do not compress: the wheel really is over the limit.
        await File.WriteAllBytesAsync(Path.Combine(dir, TestDistributions.WheelName("large-cheese", "1.0")),
            TestDistributions.Wheel("large-cheese", "1.0", extra: zip =>
            {
                using var s = zip.CreateEntry("large_cheese/blob.bin", System.IO.Compression.CompressionLevel.NoCompression).Open();
                s.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(150_000));
            }));

        var run = Logged(await server.RunCliAsync("import", dir, "--owner", "importer-limited"));
        AssertEqual(1, run.ExitCode, "import's exit code with one file over the limit");
        AssertOutputContains(run, "1 imported, 0 already there, 1 refused.", "the summary");
        Assert.Matches(@"refused: large_cheese-1\.0-py3-none-any\.whl: File too large", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        var files = await server.WithDbAsync(db => db.Files.Select(f => f.Filename).ToListAsync());
        AssertEqual("small_cheese-1.0-py3-none-any.whl", string.Join(",", files), "the files the index holds");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "tmp")));
    }
}
