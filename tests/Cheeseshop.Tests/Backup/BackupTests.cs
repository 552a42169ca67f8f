using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Backup;

/// <summary>
/// `cheeseshop backup`, `restore` and `backup prune` on real servers: a backup taken while twine uploads run
/// restores to an index from which pip installs every file that has a row; a backup changed by one byte,
/// or cut short, is refused and leaves the target untouched; prune deletes only backups past their date.
/// </summary>
public sealed class BackupTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task A_backup_taken_while_twine_uploads_run_restores_to_an_index_pip_installs_every_file_from()
    {
        await using var source = await CheeseshopServer.StartAsync(Database.Sqlite);
        Watch(source);
        var token = await SharedTokenAsync(source);
        var projects = new List<BuiltProject>();
        for (var i = 1; i <= 6; i++) projects.Add(await BuildAsync("cheese-alpha", "1.0", $"-bk{i}"));
        await UploadAsync(source, token, projects[0], projects[1]);

        var backup = Path.Combine(TempPaths.NewDirectory("backups"), "cheeseshop.tar");
        var uploads = Task.Run(async () =>
        {
            foreach (var p in projects.Skip(2)) await UploadAsync(source, token, p);
        });
        // The backup starts once the uploads are under way (a file of the third project is in), and runs
        // while the last ones are still coming.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await source.WithDbAsync(db => db.Files.CountAsync()) < 5 && !uploads.IsCompleted && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.False(uploads.IsCompleted, "the uploads are still running when the backup starts");
        var written = Logged(await source.RunCliAsync("backup", "--out", backup));
        await uploads;
        AssertSucceeded(written, "cheeseshop backup while uploads run");
        AssertOutputContains(written, "destroy it after", "the destroy-after date");

        // The restore target: a server started and stopped, its data directory emptied. Run as a process of
        // its own, so no connection pooled in this process holds the database file it had before.
        await using var restored = await CheeseshopServer.StartAsync(Database.Sqlite, hosting: ServerHosting.Process);
        Watch(restored);
        await restored.KillAsync();
        Empty(restored.DataDir);
        AssertSucceeded(Logged(await restored.RunCliAsync("restore", backup)), "cheeseshop restore");
        await restored.RestartAsync();

        var rows = await restored.WithDbAsync(db => db.Files.Select(f => new { f.Filename, f.Sha256, Project = f.Release!.Project!.Name, f.Release.Version }).ToListAsync());
        Log($"restored rows: {string.Join(", ", rows.Select(r => r.Filename))}");
        Assert.True(rows.Count >= 4, "the files uploaded before the backup are in it");
        Assert.Equal(await Sha256OfKeyAsync(source), await Sha256OfKeyAsync(restored));
        using var venv = await NewVenvAsync();
        foreach (var project in rows.Select(r => (r.Project, r.Version)).Distinct())
            AssertSucceeded(await PipInstallAsync(venv, restored, "--no-deps", $"{project.Project}=={project.Version}"), $"pip install {project.Project}");
        foreach (var project in rows.Select(r => r.Project).Distinct())
        {
            foreach (var (filename, url, sha) in await SimpleJsonFilesAsync(restored, project))
            {
                var bytes = await restored.Http.GetByteArrayAsync(url);
                AssertEqual(rows.Single(r => r.Filename == filename).Sha256, Sha256Of(bytes), $"{filename} as served after the restore");
                AssertEqual(sha, Sha256Of(bytes), $"{filename}'s digest on the Simple page");
            }
        }
        AssertEqual(rows.Count, (await Task.WhenAll(rows.Select(r => r.Project).Distinct().Select(p => SimpleJsonFilesAsync(restored, p)))).Sum(f => f.Count),
            "every row's file is listed");
    }

    [Fact]
    public async Task On_PostgreSQL_pg_dump_and_the_backup_of_files_and_key_restore_to_an_index_pip_installs_from()
    {
        await using var source = await CheeseshopServer.StartAsync(Database.Postgres);
        Watch(source);
        var token = await SharedTokenAsync(source);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-bkp");
        await UploadAsync(source, token, alpha);
        var dir = TempPaths.NewDirectory("backups");
        var dump = Path.Combine(dir, "cheeseshop.dump");
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString);
        var libpq = $"host={pg.Host} port={pg.Port} user={pg.Username}";
        AssertSucceeded(Logged(await ProcessRunner.RunAsync(PgTool("pg_dump"), ["--format=custom", $"--file={dump}", $"{libpq} dbname={source.PostgresDatabase}"])), "pg_dump");
        var backup = Path.Combine(dir, "cheeseshop.tar");
        var written = Logged(await source.RunCliAsync("backup", "--out", backup));
        AssertSucceeded(written, "cheeseshop backup on PostgreSQL");
        AssertOutputContains(written, "pg_dump", "the backup says the database is pg_dump's");

        var (restoredDb, _) = await TestPostgres.CreateDatabaseAsync();
        try
        {
            AssertSucceeded(Logged(await ProcessRunner.RunAsync(PgTool("pg_restore"), ["--no-owner", $"--dbname={libpq} dbname={restoredDb}", dump])), "pg_restore");
            await using var restored = await CheeseshopServer.StartAsync(Database.Postgres, hosting: ServerHosting.Process, joinPostgresDatabase: restoredDb);
            Watch(restored);
            await restored.KillAsync();
            Empty(restored.DataDir);
            AssertSucceeded(Logged(await restored.RunCliAsync("restore", backup)), "cheeseshop restore of files and key");
            await restored.RestartAsync();
            Assert.Equal(await Sha256OfKeyAsync(source), await Sha256OfKeyAsync(restored));
            using var venv = await NewVenvAsync();
            AssertSucceeded(await PipInstallAsync(venv, restored, alpha.ProjectName), "pip install after the restore");
            var files = await SimpleJsonFilesAsync(restored, alpha.ProjectName);
            AssertEqual(2, files.Count, "files listed after the restore");
            foreach (var (filename, url, sha) in files)
                AssertEqual(sha, Sha256Of(await restored.Http.GetByteArrayAsync(url)), $"{filename} as served after the restore");
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(restoredDb);
        }
    }

    /// <summary>A PostgreSQL client program of the newest server version installed (the test script installs it).</summary>
    private static string PgTool(string name) =>
        Directory.EnumerateDirectories("/usr/lib/postgresql").OrderBy(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin", name)).Last(File.Exists);

    [Fact]
    public async Task A_changed_or_truncated_backup_is_refused_and_the_target_stays_empty()
    {
        var source = await ServerAsync(Database.Sqlite);
        await UploadAsync(source, await SharedTokenAsync(source), await BuildAsync("cheese-alpha", "1.0", "-bt"));
        var dir = TempPaths.NewDirectory("backups");
        var backup = Path.Combine(dir, "good.tar");
        AssertSucceeded(Logged(await source.RunCliAsync("backup", "--out", backup)), "cheeseshop backup");

        var changed = Path.Combine(dir, "changed.tar");
        await RewriteAsync(backup, changed, name => name.StartsWith("files/", StringComparison.Ordinal) && name.EndsWith(".whl", StringComparison.Ordinal));
        var truncated = Path.Combine(dir, "truncated.tar");
        var whole = await File.ReadAllBytesAsync(backup);
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);

        var noHeader = Path.Combine(dir, "no-header.tar");
        await RebuildAsync(backup, noHeader, (name, bytes) => name == "backup.json" ? null : bytes);
        var badHeader = Path.Combine(dir, "bad-header.tar");
        await RebuildAsync(backup, badHeader, (name, bytes) => name == "backup.json" ? "{ not json"u8.ToArray() : bytes);
        var noMembers = Path.Combine(dir, "no-members.tar");
        await RebuildAsync(backup, noMembers, (_, bytes) => bytes, manifest => manifest["members"] = null);

        foreach (var (file, expected) in new[]
                 {
                     (changed, "does not have the SHA-256 the manifest gives"), (truncated, "nothing was restored"),
                     (noHeader, "it has no 'backup.json', which every backup holds"),
                     (badHeader, "cannot be read as a backup (backup.json: "), (noMembers, "its manifest lists no members"),
                 })
        {
            var target = TempPaths.NewDirectory("restore");
            var result = Logged(await InProcessCli.RunAsync(["restore", file, "--data-dir", target], new Dictionary<string, string?>(), null));
            AssertEqual(1, result.ExitCode, $"restore of {Path.GetFileName(file)}");
            AssertOutputContains(result, expected, $"why {Path.GetFileName(file)} is refused");
            Assert.False(File.Exists(Path.Combine(target, "cheeseshop.db")), "no database restored");
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(target, "files")));
            Assert.False(File.Exists(Path.Combine(target, "secrets", "ip-hash.key")), "no key restored");
        }
        var intact = TempPaths.NewDirectory("restore");
        AssertSucceeded(Logged(await InProcessCli.RunAsync(["restore", backup, "--data-dir", intact], new Dictionary<string, string?>(), null)), "restore of the intact backup");
        Assert.True(File.Exists(Path.Combine(intact, "cheeseshop.db")));
    }

    [Fact]
    public async Task Prune_deletes_only_the_backups_past_their_destroy_after_date()
    {
        var source = await ServerAsync(Database.Sqlite);
        var dir = TempPaths.NewDirectory("backups");
        // Default policy: the longest raw-data window is 180 days (download events).
        AssertSucceeded(Logged(await source.RunCliAsync("backup", "--out", Path.Combine(dir, "long.tar"))), "backup (180 days)");
        // With download events kept 10 days, the longest raw-data window is 90 days (failed sign-ins, sent mail).
        var shorter = Logged(await InProcessCli.RunAsync(["backup", "--out", Path.Combine(dir, "short.tar"), "--data-dir", source.DataDir],
            new Dictionary<string, string?> { ["CHEESESHOP_Retention__download_events"] = "10" }, null));
        AssertSucceeded(shorter, "backup (90 days)");
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "not a backup");
        var now = DateTimeOffset.UtcNow;

        var early = Logged(await source.RunCliAsync("backup", "prune", dir, "--as-of", now.AddDays(89).ToString("O")));
        AssertSucceeded(early, "prune at 89 days");
        AssertEqual("long.tar, notes.txt, short.tar", Listing(dir), "after prune at 89 days");

        var middle = Logged(await source.RunCliAsync("backup", "prune", dir, "--as-of", now.AddDays(91).ToString("O")));
        AssertOutputContains(middle, "1 deleted, 1 kept", "prune at 91 days");
        AssertEqual("long.tar, notes.txt", Listing(dir), "after prune at 91 days");

        AssertSucceeded(Logged(await source.RunCliAsync("backup", "prune", dir, "--as-of", now.AddDays(181).ToString("O"))), "prune at 181 days");
        AssertEqual("notes.txt", Listing(dir), "after prune at 181 days: the file that is no backup stays");
    }

    private static string Listing(string dir) =>
        string.Join(", ", Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    private static void Empty(string dataDir)
    {
        foreach (var file in Directory.EnumerateFiles(dataDir, "cheeseshop.db*")) File.Delete(file);
        foreach (var sub in new[] { "files", "secrets" })
        {
            var path = Path.Combine(dataDir, sub);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(Path.Combine(dataDir, "files"));
    }

    private static async Task<string> Sha256OfKeyAsync(CheeseshopServer server) =>
        Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "secrets", "ip-hash.key"))));

    /// <summary>A copy of the backup with each member as <paramref name="member"/> makes it (null leaves it out), and
    /// a manifest that agrees with the copy unless <paramref name="manifest"/> changes it further.</summary>
    private static async Task RebuildAsync(string from, string to, Func<string, byte[], byte[]?> member, Action<JsonObject>? manifest = null)
    {
        var members = new List<(PaxTarEntry Entry, byte[] Bytes)>();
        JsonObject? listing = null;
        await using (var input = File.OpenRead(from))
        await using (var reader = new TarReader(input))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                var bytes = new byte[entry.DataStream?.Length ?? 0];
                if (entry.DataStream is { } data) await data.ReadExactlyAsync(bytes);
                if (entry.Name == "manifest.json") { listing = JsonNode.Parse(bytes)!.AsObject(); continue; }
                if (member(entry.Name, bytes) is { } kept)
                    members.Add((new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { ModificationTime = entry.ModificationTime }, kept));
            }
        }
        Assert.NotNull(listing);
        listing["members"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Entry.Name, ["size"] = m.Bytes.Length, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(m.Bytes)),
        }).ToArray());
        manifest?.Invoke(listing);
        await using var outputStream = File.Create(to);
        await using var writer = new TarWriter(outputStream, TarEntryFormat.Pax);
        foreach (var (entry, bytes) in members)
        {
            entry.DataStream = new MemoryStream(bytes);
            await writer.WriteEntryAsync(entry);
        }
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
            { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(listing.ToJsonString())) });
    }

    /// <summary>A copy of the backup with one byte flipped in the first member <paramref name="pick"/> chooses.</summary>
    private static async Task RewriteAsync(string from, string to, Func<string, bool> pick)
    {
        await using var input = File.OpenRead(from);
        await using var reader = new TarReader(input);
        await using var outputStream = File.Create(to);
        await using var writer = new TarWriter(outputStream, TarEntryFormat.Pax);
        var done = false;
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (!done && pick(entry.Name) && entry.DataStream is { } data)
            {
                var bytes = new byte[data.Length];
                await data.ReadExactlyAsync(bytes);
                bytes[bytes.Length / 2] ^= 0x01;
                entry.DataStream = new MemoryStream(bytes);
                done = true;
            }
            await writer.WriteEntryAsync(entry);
        }
        Assert.True(done, "a member to change was found");
    }
}
