using System.Globalization;
using System.Net;
using System.Text.Json;
using Cheeseshop.Data.Entities;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>
/// `legal produce` run as the program and killed with SIGKILL while it writes its tables, while it writes
/// its zip, and as soon as its record is committed: after each kill `fsck` names what was left, and once
/// settled (by `fsck --repair` or by the server's next start) the package is either complete and recorded or absent, and no note, unfinished
/// zip or workspace remains. The window between recording a package and moving it into place is made by
/// hand as well (a kill lands in it only by luck): a complete, recorded zip left under its unfinished name
/// is moved into place at the next start.
/// </summary>
public sealed class ProduceCrashTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private const int Events = 10_000;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_killed_produce_leaves_its_package_complete_and_recorded_or_absent(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var token = await SharedTokenAsync(server);
        using (var upload = await TestDistributions.UploadWheelAsync(server, token, "produce-crash", "1.0"))
            AssertEqual(HttpStatusCode.OK, upload.StatusCode, "upload");
        await SeedDownloadsAsync(server, "produce-crash");
        var id = await SubpoenaAsync(server, [CheeseshopServer.SharedUploader]);
        var folder = TempPaths.NewDirectory("produce-crash");

        // Killed while its tables are written; while its zip is written; once its record is committed
        // (before or after the move into place, as the kill falls).
        var moments = new (string Name, Func<string, Task<bool>> Reached)[]
        {
            ("writing its tables", _ => Task.FromResult(Directory.EnumerateDirectories(folder, "*.partial-*")
                .Any(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any()))),
            ("writing its zip", _ => Task.FromResult(Directory.EnumerateFiles(folder, "*.partial-*.zip").Any())),
            ("its record committed", name => RecordedAsync(server, name)),
        };
        for (var i = 0; i < moments.Length; i++)
        {
            var name = $"killed-{i}.zip";
            var killed = await ProduceKilledWhenAsync(server, id, Path.Combine(folder, name), () => moments[i].Reached(name));
            var what = $"the produce killed {moments[i].Name}";
            if (i < 2) AssertEqual(false, killed.Succeeded, $"{what}: killed before it finished");
            Log($"{what}: {(killed.Succeeded ? "it had finished" : "killed")}; left in the folder: " +
                string.Join(", ", Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)));
            var found = Logged(await server.RunCliAsync("fsck", "--quick"));
            foreach (var line in FsckTests.Lines(found))
                if (!line.StartsWith("interrupted-produce: ", StringComparison.Ordinal)) Fail($"fsck after {what}: unexpected \"{line}\".\n{found}");
            // Settled one way or the other: by fsck --repair, or by the server's next start.
            if (i != 1)
                AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--quick", "--repair")), $"fsck --repair after {what}");
            else
            {
                await server.KillAsync();
                await server.RestartAsync();
            }
            await AssertSettledAsync(server, id, folder, name, what);
        }

        await RecordedButNotMovedIsMovedAtStartAsync(server, id, folder, $"killed-{moments.Length - 1}.zip");
    }

    /// <summary>
    /// Unfinished zips and workspaces with no note (a workspace that could not be removed when its production
    /// ended, or one from a build that kept no notes), beside an --out a produce wrote into and in the temporary
    /// folder: `fsck` names each, the server's next start settles them (an unrecorded zip and a workspace
    /// removed, a recorded zip moved into place), and `fsck --repair` does the same. Names the producer does
    /// not give, a folder where a zip should be, and a folder no produce wrote into are left alone.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Leftovers_without_a_note_are_settled_at_start_and_by_fsck(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        await SharedTokenAsync(server);
        var id = await SubpoenaAsync(server, [CheeseshopServer.SharedUploader]);
        var folder = TempPaths.NewDirectory("produce-noteless");
        var target = Path.Combine(folder, "first.zip");
        AssertSucceeded(Logged(await server.RunCliAsync("legal", "produce", $"{id}", "--out", target)), "legal produce");
        var sha = Sha256Of(target);
        var elsewhere = TempPaths.NewDirectory("produce-never");
        var kept = new[]
        {
            Path.Combine(folder, "keep.zip.partial-0123456789AB.zip"), Path.Combine(folder, "keep.zip.partial-0123456789a.zip"),
            Path.Combine(folder, "keep.zip.partial-0123456789ab.txt"), Path.Combine(folder, "keep.zip.partial-eeeeeeeeeeee"),
            Path.Combine(elsewhere, "keep.zip.partial-0123456789ab.zip"),
        };
        foreach (var file in kept) await File.WriteAllTextAsync(file, "not an unfinished package");
        var keptFolder = Directory.CreateDirectory(Path.Combine(folder, "keep.zip.partial-dddddddddddd.zip")).FullName;

        var (workspace, unrecorded, recorded) = await LeaveWithoutNotesAsync(folder, target);
        var tmpWorkspace = Directory.CreateDirectory(Path.Combine(server.DataDir, "tmp", "legal-1-x.zip.partial-abababababab", "subjects")).Parent!.FullName;
        var expected = new[]
        {
            $"interrupted-produce: {target}: a legal produce left its workspace {workspace} without a note; --repair removes it",
            $"interrupted-produce: {target}: the package recorded with sha256 {sha} is complete but was not moved into place; it is at {recorded} without a note; --repair moves it into place",
            $"interrupted-produce: {Path.Combine(folder, "other.zip")}: an unfinished package that was never recorded is left at {unrecorded} without a note; --repair removes it",
            $"interrupted-produce: {Path.Combine(server.DataDir, "tmp", "legal-1-x.zip")}: a legal produce left its workspace {tmpWorkspace} without a note; --repair removes it",
        };
        var found = Logged(await server.RunCliAsync("fsck", "--quick"));
        AssertEqual(1, found.ExitCode, "fsck exit code with leftovers without a note");
        AssertEqual(string.Join("\n", expected.Order(StringComparer.Ordinal)), string.Join("\n", FsckTests.Lines(found).Order(StringComparer.Ordinal)), "fsck's lines");

        await server.KillAsync();
        await server.RestartAsync();
        AssertNoteLeftoversSettled(folder, target, sha, kept, keptFolder, "after a restart");

        (workspace, unrecorded, recorded) = await LeaveWithoutNotesAsync(folder, target);
        Directory.CreateDirectory(tmpWorkspace);
        var repaired = Logged(await server.RunCliAsync("fsck", "--quick", "--repair"));
        AssertSucceeded(repaired, "fsck --repair of leftovers without a note");
        AssertEqual(string.Join("\n", expected.Select(e => e.Replace("; --repair removes it", " (removed)", StringComparison.Ordinal)
                .Replace("; --repair moves it into place", " (moved into place)", StringComparison.Ordinal) + " (repaired)").Order(StringComparer.Ordinal)),
            string.Join("\n", FsckTests.Lines(repaired).Order(StringComparer.Ordinal)), "fsck --repair's lines");
        AssertNoteLeftoversSettled(folder, target, sha, kept, keptFolder, "after fsck --repair");
        AssertEqual(false, Directory.Exists(tmpWorkspace), "the workspace in the temporary folder after fsck --repair");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--quick")), "fsck once settled");
        var refused = Logged(await server.RunCliAsync("legal", "produce", $"{id}", "--out", Path.Combine(folder, "out.zip.partial-0123456789ab.zip")));
        AssertEqual(false, refused.ExitCode == 0, "legal produce into a name an unfinished package has");
        AssertOutputContains(refused, "is what an unfinished package is called", "the refusal");
    }

    /// <summary>A workspace with a table, an unrecorded zip, and the recorded package moved under an unfinished
    /// name; no note for any of them.</summary>
    private static async Task<(string Workspace, string Unrecorded, string Recorded)> LeaveWithoutNotesAsync(string folder, string target)
    {
        var workspace = $"{target}.partial-aaaaaaaaaaaa";
        Directory.CreateDirectory(Path.Combine(workspace, "subjects"));
        await File.WriteAllTextAsync(Path.Combine(workspace, "subjects", "table.csv"), "half a table");
        var unrecorded = Path.Combine(folder, "other.zip.partial-bbbbbbbbbbbb.zip");
        await File.WriteAllTextAsync(unrecorded, "half a zip");
        var recorded = $"{target}.partial-cccccccccccc.zip";
        File.Move(target, recorded);
        return (workspace, unrecorded, recorded);
    }

    private static void AssertNoteLeftoversSettled(string folder, string target, string sha, string[] kept, string keptFolder, string when)
    {
        Assert.True(File.Exists(target) && Sha256Of(target) == sha, $"{when}: the recorded package is in place");
        Assert.Equal(kept.Where(f => Path.GetDirectoryName(f) == folder).Append(keptFolder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(folder, "*.partial-*").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
        Assert.All(kept, f => Assert.True(File.Exists(f), $"{when}: {f} is left alone"));
        Assert.True(Directory.Exists(keptFolder), $"{when}: a folder named like a zip is left alone");
    }

    /// <summary>The state a kill right after the record's commit leaves, made from a package recorded and in
    /// place: the recorded zip under its unfinished name, its workspace, and the note the producer wrote.</summary>
    private async Task RecordedButNotMovedIsMovedAtStartAsync(CheeseshopServer server, long id, string folder, string name)
    {
        var target = Path.Combine(folder, name);
        var sha = Sha256Of(target);
        var zip = $"{target}.partial-0123456789ab.zip";
        var workspace = $"{target}.partial-0123456789ab";
        File.Move(target, zip);
        Directory.CreateDirectory(Path.Combine(workspace, "subjects"));
        await File.WriteAllTextAsync(Path.Combine(workspace, "subjects", "table.csv"), "half a table");
        var notes = Path.Combine(server.DataDir, "legal-produce");
        Directory.CreateDirectory(notes);
        await File.WriteAllTextAsync(Path.Combine(notes, "0123456789ab.json"), JsonSerializer.Serialize(new
        {
            requestId = id, target, zip, workspace, force = false,
        }));

        var found = Logged(await server.RunCliAsync("fsck", "--quick"));
        AssertEqual(1, found.ExitCode, "fsck exit code with a recorded package not in place");
        var line = Assert.Single(FsckTests.Lines(found));
        AssertEqual($"interrupted-produce: {target}: legal request {id}: the package recorded with sha256 {sha} is complete but was not moved into place; " +
                    $"it is at {zip}; --repair moves it into place; its workspace {workspace} is left; --repair removes it", line, "fsck's line");

        await server.KillAsync();
        await server.RestartAsync();
        AssertEqual(sha, Sha256Of(target), "the recorded package, moved into place at the start");
        await AssertSettledAsync(server, id, folder, name, "the package recorded but not moved");
        AssertEqual(true, File.Exists(target), "the recorded package is in place");
    }

    /// <summary>Runs `legal produce` as the program and kills it (SIGKILL) as soon as <paramref name="reached"/>
    /// says the moment has come (looked at every few milliseconds).</summary>
    private static async Task<ProcessResult> ProduceKilledWhenAsync(CheeseshopServer server, long id, string path, Func<Task<bool>> reached)
    {
        using var kill = new CancellationTokenSource();
        var run = server.RunCliProcessAsync(kill.Token, "legal", "produce", $"{id}", "--out", path);
        while (!run.IsCompleted)
        {
            try
            {
                if (await reached())
                {
                    kill.Cancel();
                    break;
                }
            }
            catch (IOException)
            {
                // A folder looked into was removed meanwhile: look again.
            }
            await Task.Delay(2);
        }
        return await run;
    }

    /// <summary>Whether a disclosure of this file name is recorded, through a connection of the test's own
    /// (opened for each look: the services of a whole server would be too slow to build every few milliseconds).</summary>
    private static async Task<bool> RecordedAsync(CheeseshopServer server, string fileName)
    {
        System.Data.Common.DbConnection connection = server.Database == Database.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false }.ToString())
            : new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM disclosures WHERE file_name = @name";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@name";
            parameter.Value = fileName;
            command.Parameters.Add(parameter);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
        }
    }

    /// <summary>The package is in place and recorded, or absent with nothing recorded for it; nothing
    /// unfinished is left beside it or in the data directory, and fsck is clean.</summary>
    private async Task AssertSettledAsync(CheeseshopServer server, long id, string folder, string name, string what)
    {
        var recorded = await server.WithDbAsync(db => db.Disclosures.Where(d => d.LegalRequestId == id && d.FileName == name)
            .Select(d => d.Sha256).ToListAsync());
        var target = Path.Combine(folder, name);
        if (File.Exists(target))
            Assert.True(recorded.Contains(Sha256Of(target)), $"{what}: the package in place is recorded (records: {string.Join(", ", recorded)})");
        else
            Assert.True(recorded.Count == 0, $"{what}: no package is in place, and none is recorded (records: {string.Join(", ", recorded)})");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder, "*.partial-*"));
        var notes = Path.Combine(server.DataDir, "legal-produce");
        Assert.True(!Directory.Exists(notes) || !Directory.EnumerateFiles(notes, "*.json").Any(), $"{what}: no production note is left");
        var clean = Logged(await server.RunCliAsync("fsck", "--quick"));
        AssertSucceeded(clean, $"fsck once {what} is settled");
        Log($"{what}: {(File.Exists(target) ? "complete and recorded" : "absent")}");
    }

    /// <summary>Raw download events of the project's file over the last days, which the package's
    /// download-logs category lists one by one: enough rows that a produce takes seconds.</summary>
    private static async Task SeedDownloadsAsync(CheeseshopServer server, string project)
    {
        await server.WithDbAsync(async db =>
        {
            var projectId = await db.Projects.Where(p => p.NormalizedName == project).Select(p => p.Id).SingleAsync();
            var file = new DownloadFile
            {
                Filename = $"{project}-1.0.tar.gz", Url = $"/packages/x/{project}-1.0.tar.gz", Project = project, ProjectId = projectId,
                Version = "1.0", Type = "sdist",
            };
            db.DownloadFiles.Add(file);
            await db.SaveChangesAsync();
            var start = DateTime.UtcNow.Date.AddDays(-3);
            foreach (var chunk in Enumerable.Range(0, Events).Chunk(10_000))
                await db.InsertDownloadEventsAsync(chunk.Select(i => new DownloadEventRecord
                {
                    Timestamp = start.AddSeconds(i), FileId = file.Id, CountryCode = i % 3 == 0 ? "DE" : "FR",
                }).ToList(), CancellationToken.None);
            return 0;
        });
    }
}
