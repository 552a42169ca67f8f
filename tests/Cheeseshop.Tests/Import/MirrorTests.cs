using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Import;

/// <summary>
/// `cheeseshop mirror URL --owner USER` from a second Cheeseshop started by the test, holding projects built in
/// the test (a yanked release with a reason, Requires-Python, one file damaged on the source's disk): a run
/// in a process of its own, killed once its first file is stored, is resumed by running it again (nothing
/// twice, no partial download left), the damaged file is refused by name, upload times, yanks and Requires-Python
/// match the source file for file, pip installs from the mirror, and a run over the whole index finds
/// everything there already.
/// </summary>
public sealed class MirrorTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_mirror_interrupted_part_way_resumes_and_keeps_upload_times_yanks_and_requires_python(Database database)
    {
        var target = await ServerAsync(database);
        await using var source = await CheeseshopServer.StartAsync(Database.Sqlite);
        Watch(source);
        var suffix = database == Database.Sqlite ? "-mis" : "-mip";
        var owner = "mirrorer" + suffix;
        await target.CreateUserAsync(owner, Password);
        var python = new Dictionary<string, string> { ["REQUIRES_PYTHON"] = ">=3.8" };
        var alphaOld = await BuildAsync("cheese-alpha", "1.0", suffix, python);
        var alphaNew = await BuildAsync("cheese-alpha", "2.0", suffix);
        var beta = await BuildAsync("cheese-beta", "1.0", suffix);
        await UploadAsync(source, await SharedTokenAsync(source), alphaOld, alphaNew, beta);
        AssertSucceeded(await CliAsync(source, "releases", "yank", alphaOld.ProjectName, "1.0", "--reason", "broken build"), "yank on the source");
        var damaged = Path.GetFileName(beta.Sdist);
        var stored = await source.WithDbAsync(db => db.Files.Where(f => f.Filename == damaged).Select(f => f.Path).SingleAsync());
        await File.WriteAllTextAsync(Path.Combine(source.DataDir, "files", stored), "not the file the page describes");
        string[] projects = ["--project", alphaOld.ProjectName, "--project", beta.ProjectName];

        var (interrupted, held, yankedBefore) = await MirrorKilledPartWayAsync(target, [.. projects, "--owner", owner], source.SimpleIndexUrl, suffix, alphaOld.ProjectName);
        Assert.InRange(held, 1, 4);
        Assert.Contains("mirror: files", interrupted.Stderr);

        var second = await CliAsync(target, ["mirror", source.SimpleIndexUrl, .. projects, "--owner", owner]);
        AssertEqual(1, second.ExitCode, "exit code with one damaged file");
        AssertOutputContains(second, $"{5 - held} mirrored, {held} already there, {(yankedBefore ? 0 : 1)} yanked, 1 refused.", "the summary of the resumed run");
        Assert.Contains($"refused: {damaged}: the file the upstream sent has SHA-256", second.Stderr);
        AssertEqual(5, await FilesOfAsync(target, suffix), "files after the resumed run");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(target.DataDir, "tmp"), "mirror-*"));

        foreach (var project in new[] { alphaOld.ProjectName, beta.ProjectName })
            await AssertSameFilesAsync(source, target, project, except: damaged);

        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, target, alphaOld.ProjectName, beta.ProjectName), "pip install from the mirror");
        AssertEqual("2.0", await InstalledVersionAsync(venv, alphaOld.ProjectName), "installed alpha (1.0 is yanked)");
        AssertSucceeded(await PipInstallAsync(venv, target, $"{alphaOld.ProjectName}==1.0"), "pip install of the yanked release, pinned");
        AssertEqual("1.0", await InstalledVersionAsync(venv, alphaOld.ProjectName), "installed alpha pinned");

        var whole = await CliAsync(target, "mirror", source.SimpleIndexUrl, "--owner", owner);
        AssertEqual(1, whole.ExitCode, "exit code of the whole index (the damaged file again)");
        AssertOutputContains(whole, "0 mirrored, 5 already there, 0 yanked, 1 refused.", "a run over the whole index");
    }

    /// <summary>Runs the mirror as a process of its own and kills it (SIGKILL) as soon as its first file is stored;
    /// gives its output, the files stored by then, and whether the yank of the first project had been made.</summary>
    private async Task<(ProcessResult Result, int Held, bool Yanked)> MirrorKilledPartWayAsync(
        CheeseshopServer target, string[] args, string url, string suffix, string yankedProject)
    {
        using var kill = new CancellationTokenSource();
        var run = target.RunCliProcessAsync(kill.Token, ["mirror", url, .. args]);
        while (!run.IsCompleted && await FilesOfAsync(target, suffix) == 0) await Task.Delay(50);
        kill.Cancel();
        var result = Logged(await run);
        Assert.False(result.Succeeded, "the mirror should have been killed part way, not have finished");
        var held = await FilesOfAsync(target, suffix);
        var yanked = await target.WithDbAsync(db => db.Releases.AnyAsync(r => r.Project!.NormalizedName == yankedProject && r.Yanked));
        Log($"killed with {held} files stored; yank made: {yanked}");
        return (result, held, yanked);
    }

    /// <summary>Files of this test's projects: the suffix is spelled with a dash in sdists, an underscore in wheels.</summary>
    private static Task<int> FilesOfAsync(CheeseshopServer server, string suffix)
    {
        var wheel = suffix.Replace('-', '_');
        return server.WithDbAsync(db => db.Files.CountAsync(f => f.Filename.Contains(suffix) || f.Filename.Contains(wheel)));
    }

    /// <summary>Every file the source lists is on the mirror with the same digest, upload time, yank and reason, and Requires-Python.</summary>
    private async Task AssertSameFilesAsync(CheeseshopServer source, CheeseshopServer target, string project, string except)
    {
        var expected = await FilesAsync(source, project);
        var actual = await FilesAsync(target, project);
        AssertEqual(string.Join(" ", expected.Keys.Where(k => k != except).Order()), string.Join(" ", actual.Keys.Order()), $"files of {project}");
        foreach (var (name, facts) in actual) AssertEqual(expected[name], facts, $"{name} on the mirror");
    }

    private static async Task<Dictionary<string, string>> FilesAsync(CheeseshopServer server, string project)
    {
        using var json = JsonDocument.Parse(await server.Http.GetStringAsync($"pypi/{project}/json"));
        return json.RootElement.GetProperty("releases").EnumerateObject().SelectMany(r => r.Value.EnumerateArray())
            .ToDictionary(f => f.GetProperty("filename").GetString()!, f => string.Join(" | ",
                f.GetProperty("digests").GetProperty("sha256").GetString(), f.GetProperty("upload_time_iso_8601").GetString(),
                f.GetProperty("yanked").GetBoolean(), f.GetProperty("yanked_reason").ToString(), f.GetProperty("requires_python").ToString()));
    }
}
