using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>
/// `cheeseshop fsck` on a real data directory and database: each kind of damage made by hand is named on
/// a line of its own, --repair fixes only what no row needs, and what it cannot fix stays reported.
/// </summary>
public sealed class FsckTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Fsck_names_each_difference_and_repairs_only_what_no_row_needs(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var token = await SharedTokenAsync(server);
        foreach (var project in new[] { "fsck-gone", "fsck-bent", "fsck-serial" })
        {
            using var response = await TestDistributions.UploadWheelAsync(server, token, project, "1.0");
            AssertEqual(System.Net.HttpStatusCode.OK, response.StatusCode, $"upload of {project}");
        }
        var clean = Logged(await server.RunCliAsync("fsck"));
        AssertSucceeded(clean, "fsck of an intact index");
        AssertEqual("", clean.Stdout.Trim(), "fsck lines of an intact index");
        AssertOutputContains(clean, "6 stored files checked with their digests; no differences", "fsck summary");

        var paths = await server.WithDbAsync(db => db.Files.Select(f => new { f.Release!.Project!.NormalizedName, f.Path }).ToDictionaryAsync(f => f.NormalizedName, f => f.Path));
        var files = Path.Combine(server.DataDir, "files");
        File.Delete(Path.Combine(files, paths["fsck-gone"]));
        var bent = Path.Combine(files, paths["fsck-bent"]);
        var bytes = await File.ReadAllBytesAsync(bent);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(bent, bytes);
        // A file the upstream proxy stored (its row gives a SHA-256 only), damaged on disk.
        var proxiedBytes = TestDistributions.Wheel("fsck-px", "1.0");
        var proxiedPath = $"upstream/fsck-px/{Sha256Of(proxiedBytes)}/fsck_px-1.0-py3-none-any.whl";
        await server.WithDbAsync(async db =>
        {
            db.ProxiedFiles.Add(new Cheeseshop.Data.Entities.ProxiedFile
            {
                Project = "fsck-px", Filename = "fsck_px-1.0-py3-none-any.whl", Sha256 = Sha256Of(proxiedBytes),
                Path = proxiedPath, Size = proxiedBytes.Length, Fetched = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        proxiedBytes[proxiedBytes.Length / 2] ^= 0x5a;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(files, proxiedPath))!);
        await File.WriteAllBytesAsync(Path.Combine(files, proxiedPath), proxiedBytes);
        var (orphan, youngOrphan, staleTemp, youngTemp) = await LeaveFilesWithoutRowsAsync(server.DataDir);
        var (newest, gap) = await server.WithDbAsync(async db =>
        {
            await db.Projects.Where(p => p.NormalizedName == "fsck-serial").ExecuteUpdateAsync(s => s.SetProperty(p => p.LastSerial, 1L));
            var ids = await db.Journals.OrderBy(j => j.Id).Select(j => j.Id).ToListAsync();
            // The first upload's rows come first ("create", "new release", "add py3 file"): its second is nobody's newest.
            await db.Journals.Where(j => j.Id == ids[1]).ExecuteDeleteAsync();
            return (await db.Journals.Where(j => j.Name == "fsck-serial").MaxAsync(j => j.Id), ids[1]);
        });

        var expected = new[]
        {
            $"missing-file: {paths["fsck-gone"]}: fsck-gone 1.0 fsck_gone-1.0-py3-none-any.whl has a row but nothing is stored at this path",
            $"digest-mismatch: {paths["fsck-bent"]}: fsck-bent 1.0 fsck_bent-1.0-py3-none-any.whl: the row says sha256 ",
            $"digest-mismatch: {proxiedPath}: upstream fsck_px-1.0-py3-none-any.whl: the row says sha256 ",
            "orphan-file: aa/bb/orphan/left-1.0-py3-none-any.whl: stored (40 bytes, written ",
            "temp-file: tmp/upload-stale: a temporary file (14 bytes, written ",
            $"journal-gap: journal {gap - 1}..{gap + 1}: serial {gap} is missing",
            $"serial-mismatch: fsck-serial: last_serial is 1 but its newest journal entry is {newest}",
        };
        var found = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, found.ExitCode, "fsck exit code with differences");
        AssertLines(expected, found, "fsck");
        AssertOutputContains(found, "1 stored files without a row are younger than 60 minutes and were left alone", "fsck summary");

        var quick = Logged(await server.RunCliAsync("fsck", "--quick"));
        AssertEqual(1, quick.ExitCode, "fsck --quick exit code");
        AssertLines(expected.Where(e => !e.StartsWith("digest-mismatch", StringComparison.Ordinal)).ToArray(), quick, "fsck --quick");

        var repaired = Logged(await server.RunCliAsync("fsck", "--repair"));
        AssertEqual(1, repaired.ExitCode, "fsck --repair exit code (a missing and a damaged file need a person)");
        AssertLines(expected, repaired, "fsck --repair");
        foreach (var line in Lines(repaired))
            AssertEqual(line.StartsWith("orphan-file", StringComparison.Ordinal) || line.StartsWith("temp-file", StringComparison.Ordinal)
                        || line.StartsWith("serial-mismatch", StringComparison.Ordinal), line.EndsWith("(repaired)", StringComparison.Ordinal), $"repaired mark of: {line}");
        AssertEqual(false, File.Exists(orphan), "orphan file after --repair");
        AssertEqual(false, File.Exists(staleTemp), "stale temporary file after --repair");
        AssertEqual(true, File.Exists(youngOrphan), "young file without a row after --repair (an upload may own it)");
        AssertEqual(true, File.Exists(youngTemp), "young temporary file after --repair");
        AssertEqual(true, File.Exists(bent), "damaged file that a row names, after --repair");
        AssertEqual(3, await server.WithDbAsync(db => db.Files.CountAsync()), "file rows after --repair");
        AssertEqual(newest, await server.WithDbAsync(db => db.Projects.Where(p => p.NormalizedName == "fsck-serial").Select(p => p.LastSerial).SingleAsync()),
            "last_serial after --repair");

        var after = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, after.ExitCode, "fsck exit code after --repair");
        AssertLines(expected.Where(e => e.StartsWith("missing-file", StringComparison.Ordinal) || e.StartsWith("digest-mismatch", StringComparison.Ordinal)
                                        || e.StartsWith("journal-gap", StringComparison.Ordinal)).ToArray(), after, "fsck after --repair");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Fsck_finds_a_closed_day_whose_rollup_differs_from_its_raw_events(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-3));
        var noon = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        await server.WithDbAsync(async db =>
        {
            var file = new Cheeseshop.Data.Entities.DownloadFile
            {
                Filename = "rollup-1.0.tar.gz", Url = "/packages/x/rollup-1.0.tar.gz", Project = "rollup", Version = "1.0", Type = "sdist",
            };
            db.DownloadFiles.Add(file);
            await db.SaveChangesAsync();
            for (var i = 0; i < 3; i++) db.DownloadEvents.Add(new() { Timestamp = noon.AddMinutes(i), FileId = file.Id });
            return await db.SaveChangesAsync();
        });
        AssertSucceeded(Logged(await server.RunCliAsync("stats", "rollup")), "stats rollup");
        var clean = Logged(await server.RunCliAsync("fsck"));
        AssertSucceeded(clean, "fsck after the rollup");

        // An event the rollup never counted, on a day it has closed.
        await server.WithDbAsync(async db =>
        {
            db.DownloadEvents.Add(new() { Timestamp = noon.AddHours(1), FileId = await db.DownloadFiles.Select(f => f.Id).SingleAsync() });
            return await db.SaveChangesAsync();
        });
        var found = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, found.ExitCode, "fsck exit code with a rollup difference");
        AssertLines([$"rollup-mismatch: downloads {day:yyyy-MM-dd}: the daily rollup counts 3 downloads but 4 raw events are kept for the day"], found, "fsck");

        AssertSucceeded(Logged(await server.RunCliAsync("stats", "rollup", "--from", $"{day:yyyy-MM-dd}")), "stats rollup --from the day");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck")), "fsck after the day is rebuilt");

        // A series that no longer adds up to the day's total (the country one here), the daily count intact.
        await server.WithDbAsync(db => db.DailySeries.Where(d => d.Date == day && d.Breakdown == "country")
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Downloads, d => d.Downloads + 1)));
        var series = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, series.ExitCode, "fsck exit code with a series difference");
        AssertLines([$"rollup-mismatch: downloads {day:yyyy-MM-dd}: the daily rollup counts 4 downloads, as many as the raw events kept for the day, " +
                     "and its series add up to other totals (\"country\" 5)"], series, "fsck");
        AssertSucceeded(Logged(await server.RunCliAsync("stats", "rollup", "--from", $"{day:yyyy-MM-dd}")), "stats rollup --from the day, again");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck")), "fsck after the series are rebuilt");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_change_that_rolls_back_after_writing_its_journal_rows_leaves_no_gap_in_the_serials(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var token = await SharedTokenAsync(server);
        using (var first = await TestDistributions.UploadWheelAsync(server, token, "gapless-a", "1.0"))
            AssertEqual(System.Net.HttpStatusCode.OK, first.StatusCode, "first upload");
        // The database refuses this file's row in the same save as the change's journal rows: the change
        // rolls back after they were inserted.
        await server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(database == Database.Postgres
            ? """
              CREATE FUNCTION fsck_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
              CREATE TRIGGER fsck_test_refuse BEFORE INSERT ON release_files FOR EACH ROW
                  WHEN (NEW.filename LIKE 'gapless_b-%') EXECUTE FUNCTION fsck_test_refuse();
              """
            : """
              CREATE TRIGGER fsck_test_refuse BEFORE INSERT ON release_files
              WHEN NEW.filename LIKE 'gapless_b-%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
              """));
        using (var refused = await TestDistributions.UploadWheelAsync(server, token, "gapless-b", "1.0"))
            AssertEqual(false, refused.IsSuccessStatusCode, "upload the database refuses");
        using (var next = await TestDistributions.UploadWheelAsync(server, token, "gapless-a", "2.0"))
            AssertEqual(System.Net.HttpStatusCode.OK, next.StatusCode, "upload after the refused one");

        var result = Logged(await server.RunCliAsync("fsck"));
        AssertSucceeded(result, "fsck after a change rolled back");
        var ids = await server.WithDbAsync(db => db.Journals.OrderBy(j => j.Id).Select(j => j.Id).ToListAsync());
        AssertEqual(string.Join(",", Enumerable.Range(1, ids.Count)), string.Join(",", ids), "journal serials");
    }

    /// <summary>
    /// The rows and the store are merged in path order as UTF-8 bytes compare, so names that sort one way
    /// as text and another as paths must not throw the merge off: "-" and "." sort before "/", a folder's
    /// files come where its name and a "/" would, a sibling ".metadata" sorts after "x.whl-1", and
    /// characters beyond U+FFFF sort after U+FFFD. Every file a row names is found with its digests, and
    /// exactly the files no row names are orphans.
    /// </summary>
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Fsck_merges_rows_and_files_whose_names_sort_differently_as_text_and_as_paths(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var files = Path.Combine(server.DataDir, "files");
        var named = new[]
        {
            "upstream/ord/x/f.whl", "upstream/ord/x/f.whl-1", "upstream/ord-b/x/g.whl", "upstream/ord.c/x/h.whl",
            "upstream/ord/x/\u00e9.whl", "upstream/ord/x/\ufffd.whl", "upstream/ord/x/\U0001F600.whl", "upstream/ord0/i.whl",
        }.Select(System.Text.RegularExpressions.Regex.Unescape).ToArray();
        var orphans = new[] { "upstream/ord/x/f.whl.orphan", "upstream/ord.txt", "upstream/ord/x/\U0001F601.whl", "upstream/ord-a" }
            .Select(System.Text.RegularExpressions.Regex.Unescape).ToArray();
        await server.WithDbAsync(async db =>
        {
            foreach (var path in named)
            {
                var content = System.Text.Encoding.UTF8.GetBytes("content of " + path);
                var metadata = System.Text.Encoding.UTF8.GetBytes("metadata of " + path);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(files, path))!);
                await File.WriteAllBytesAsync(Path.Combine(files, path), content);
                await File.WriteAllBytesAsync(Path.Combine(files, path + ".metadata"), metadata);
                db.ProxiedFiles.Add(new Cheeseshop.Data.Entities.ProxiedFile
                {
                    Project = "ord", Filename = Path.GetFileName(path), Sha256 = Sha256Of(content), Path = path, Size = content.Length,
                    MetadataSha256 = Sha256Of(metadata), Fetched = DateTime.UtcNow,
                });
            }
            return await db.SaveChangesAsync();
        });
        foreach (var path in orphans)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(files, path))!);
            await File.WriteAllTextAsync(Path.Combine(files, path), "no row names this");
            File.SetLastWriteTimeUtc(Path.Combine(files, path), DateTime.UtcNow.AddHours(-2));
        }

        var found = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, found.ExitCode, "fsck exit code with orphans");
        AssertOutputContains(found, $"{named.Length * 2} stored files checked with their digests; {orphans.Length} differences", "fsck summary");
        AssertEqual(string.Join("\n", orphans.Order(StringComparer.Ordinal)),
            string.Join("\n", Lines(found).Select(l => l.StartsWith("orphan-file: ", StringComparison.Ordinal) ? l["orphan-file: ".Length..l.IndexOf(": stored (", StringComparison.Ordinal)] : l)
                .Order(StringComparer.Ordinal)), "fsck's orphans, and nothing else");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--repair")), "fsck --repair (every difference an orphan)");
        foreach (var path in orphans) AssertEqual(false, File.Exists(Path.Combine(files, path)), $"orphan {path} after --repair");
        foreach (var path in named) AssertEqual(true, File.Exists(Path.Combine(files, path)) && File.Exists(Path.Combine(files, path + ".metadata")), $"{path} and its metadata after --repair");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck")), "fsck after --repair");
    }

    /// <summary>A stored file and a temporary file from two hours ago (left behind), and one of each
    /// written just now (an upload in progress may own them).</summary>
    private static async Task<(string Orphan, string YoungOrphan, string StaleTemp, string YoungTemp)> LeaveFilesWithoutRowsAsync(string dataDir)
    {
        var twoHoursAgo = DateTime.UtcNow.AddHours(-2);
        var folder = Path.Combine(dataDir, "files", "aa", "bb", "orphan");
        Directory.CreateDirectory(folder);
        var orphan = Path.Combine(folder, "left-1.0-py3-none-any.whl");
        await File.WriteAllTextAsync(orphan, "stored by an upload that never committed");
        File.SetLastWriteTimeUtc(orphan, twoHoursAgo);
        var youngOrphan = Path.Combine(folder, "young-1.0-py3-none-any.whl");
        await File.WriteAllTextAsync(youngOrphan, "an upload about to commit");
        var staleTemp = Path.Combine(dataDir, "tmp", "upload-stale");
        await File.WriteAllTextAsync(staleTemp, "half an upload");
        File.SetLastWriteTimeUtc(staleTemp, twoHoursAgo);
        var youngTemp = Path.Combine(dataDir, "tmp", "upload-streaming");
        await File.WriteAllTextAsync(youngTemp, "an upload streaming now");
        return (orphan, youngOrphan, staleTemp, youngTemp);
    }

    internal static string[] Lines(ProcessResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One line per expected difference, each starting as expected, and no other line.</summary>
    private void AssertLines(string[] expectedStarts, ProcessResult result, string what)
    {
        var lines = Lines(result);
        foreach (var start in expectedStarts)
            if (lines.Count(l => l.StartsWith(start, StringComparison.Ordinal)) != 1)
                Fail($"{what}: expected one line starting \"{start}\".\n{result}");
        AssertEqual(expectedStarts.Length, lines.Length, $"{what}: number of lines");
    }
}
