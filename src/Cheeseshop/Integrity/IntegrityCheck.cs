using Cheeseshop.Configuration;
using Cheeseshop.Core.Integrity;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Downloads;
using Cheeseshop.Index;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Integrity;

/// <param name="Quick">Check that each file is there with its size, without reading it to compare digests.</param>
/// <param name="Repair">Remove orphan and stale temporary files and correct last serials.</param>
/// <param name="Grace">How old a file without a row, or a temporary file, must be before it counts as left
/// behind: younger ones may belong to an upload still in progress.</param>
public sealed record IntegrityOptions(bool Quick, bool Repair, TimeSpan Grace);

/// <summary>A difference found, and whether --repair fixed it.</summary>
public sealed record CheckedFinding(Finding Finding, bool Repaired);

/// <summary>Counts only: each difference went to the caller as it was found, so a store that lost most of
/// its files costs no memory for the list.</summary>
public sealed record IntegrityReport(int Found, int Repaired, int FilesChecked, int YoungUnreferenced)
{
    /// <summary>Differences still there: all of them without --repair, those it could not fix with it.</summary>
    public int Remaining => Found - Repaired;
}

/// <summary>
/// Checks what a crash could break: every file row has its stored file with its size and digests (and a
/// wheel its .metadata sibling), every stored file has its row, no temporary file lingers, journal
/// serials run without gaps, each project's last serial is its newest journal id, and each closed day's
/// download rollup counts exactly the raw events still kept for it, and no legal produce was left half done.
/// Repair removes only what no row refers to, corrects last serials and settles interrupted produces (a
/// recorded package moved into place, an unrecorded one removed); it never deletes a row or a file a row
/// names, since that would lose data an operator may still recover.
/// </summary>
public sealed class IntegrityCheck(CheeseshopDb db, IFileStore store, DataDirectory dataDir, IndexWriter writer,
    CheeseshopOptions options, TimeProvider clock, Disclosure.InterruptedProductions productions, IServiceScopeFactory scopes)
{
    public async Task<IntegrityReport> RunAsync(IntegrityOptions opts, Action<CheckedFinding> report, CancellationToken ct)
    {
        var (found, fixedCount) = (0, 0);
        void Add(Finding f, bool repaired)
        {
            found++;
            if (repaired) fixedCount++;
            report(new CheckedFinding(f, repaired));
        }
        var (filesChecked, young) = await CheckStoreAsync(opts, Add, ct);
        CheckTemp(opts, Add);
        foreach (var gap in await JournalGapsAsync(ct)) Add(gap, false);
        await CheckSerialsAsync(opts, Add, ct);
        foreach (var rollup in await RollupMismatchesAsync(ct)) Add(rollup, false);
        // A production still running holds its note and is not listed: no grace period is needed.
        foreach (var p in await productions.CheckAsync(opts.Repair, ct))
            Add(new Finding(FindingKinds.InterruptedProduce, p.Target, p.Detail, Repairable: true), p.Settled);
        return new IntegrityReport(found, fixedCount, filesChecked, young);
    }

    /// <summary>The store part alone, presence and size only, removing orphans older than the grace; each
    /// difference goes to <paramref name="report"/> as it is found.</summary>
    public Task SweepStoreAsync(TimeSpan grace, Action<CheckedFinding> report, CancellationToken ct) =>
        CheckStoreAsync(new IntegrityOptions(Quick: true, Repair: true, grace), (f, r) => report(new CheckedFinding(f, r)), ct);

    /// <summary>
    /// The rows and the listing are merged in path order, one file at a time; the files found in place are
    /// hashed afterwards (<see cref="PresentFiles"/>). The rows' query starts before the store is listed: a
    /// file an upload stores meanwhile then shows as a young file without a row (left alone), never as a row
    /// without its file.
    /// </summary>
    private async Task<(int Checked, int Young)> CheckStoreAsync(IntegrityOptions opts, Action<Finding, bool> add, CancellationToken ct)
    {
        var expected = StoreMerge.FilesInOrder(db.StoredFilesInPathOrder(), ExpectedFiles, ct);
        var listed = store.ListAsync(ct).Select(e => new ListedFile(e.Path, e.Length, e.LastModified));
        // Orphans are confirmed on a context of their own: this one is busy streaming the rows.
        await using var confirmScope = scopes.CreateAsyncScope();
        var confirmDb = confirmScope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        await using var toHash = opts.Quick ? null : new PresentFiles(dataDir.TempRoot);
        var (present, young) = (0, 0);
        await foreach (var o in StoreMerge.CompareAsync(expected, listed, clock.GetUtcNow(), opts.Grace, ct))
        {
            if (o.Young) young++;
            else if (o.Present is { } file)
            {
                present++;
                if (toHash is not null) await toHash.AddAsync(file.Path, file.Size is null, o.Row!);
            }
            else if (o.Finding is { Repairable: true } orphan)
            {
                // The merge calls a file an orphan when the rows, read in path order, have passed its path; a
                // row that names it (committed since the query began) keeps it, whatever the order said.
                if (await confirmDb.RowNamesAsync(orphan.Subject, ct)) continue;
                if (opts.Repair) await store.DeleteAsync(orphan.Subject, ct);
                add(orphan, opts.Repair);
            }
            else
            {
                // Only what no row refers to is repairable: a missing or damaged file is a person's call.
                add(o.Finding!, false);
            }
        }
        if (toHash is null) return (present, young);
        await foreach (var entry in toHash.ReadAsync(ct))
        {
            var mismatch = entry.Metadata ? await CheckMetadataAsync(entry.Path, entry.Row, ct) : await CheckDigestsAsync(entry.Row, ct);
            if (mismatch is not null) add(mismatch, false);
        }
        return (present, young);
    }

    private static IEnumerable<ExpectedFile> ExpectedFiles(StoredFileRow row)
    {
        yield return new ExpectedFile(row.Path, row.Size, row.Label);
        if (row.MetadataSha256 is not null) yield return new ExpectedFile(row.Path + ".metadata", null, row.Label);
    }

    private async Task<Finding?> CheckDigestsAsync(StoredFileRow row, CancellationToken ct)
    {
        var digests = await DigestAsync(row.Path, ct);
        if (digests is null) return new Finding(FindingKinds.MissingFile, row.Path, $"{row.Label} went from the store during the check");
        var blakeAgrees = row.Blake2b256 is null || digests.Blake2b256 == row.Blake2b256;
        if (blakeAgrees && digests.Sha256 == row.Sha256) return null;
        return new Finding(FindingKinds.DigestMismatch, row.Path,
            $"{row.Label}: the row says sha256 {row.Sha256}, the stored content hashes to {digests.Sha256}" +
            (blakeAgrees ? "" : $" (blake2b_256 {digests.Blake2b256}, the row says {row.Blake2b256})"));
    }

    private async Task<Finding?> CheckMetadataAsync(string path, StoredFileRow row, CancellationToken ct)
    {
        var digests = await DigestAsync(path, ct);
        if (digests is null) return new Finding(FindingKinds.MissingMetadata, path, $"{row.Label} went from the store during the check");
        return digests.Sha256 == row.MetadataSha256 ? null
            : new Finding(FindingKinds.DigestMismatch, path,
                $"{row.Label}: the row says its metadata has sha256 {row.MetadataSha256}, the stored content hashes to {digests.Sha256}");
    }

    private async Task<FileDigests?> DigestAsync(string path, CancellationToken ct)
    {
        var stored = await store.OpenAsync(path, ct);
        if (stored is null) return null;
        await using var stream = stored.OpenRead();
        using var digester = new FileDigester();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0) digester.Append(buffer.AsSpan(0, read));
        return digester.Finish();
    }

    /// <summary>Uploads stream into the temporary folder, and backups, exports and proxied downloads are
    /// written there, each moving or removing its file when done; a file still there past the grace period
    /// belongs to work that ended without cleaning up (a crash). The server empties the folder at start.</summary>
    private void CheckTemp(IntegrityOptions opts, Action<Finding, bool> add)
    {
        var now = clock.GetUtcNow();
        foreach (var file in new DirectoryInfo(dataDir.TempRoot).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            // A package an admin page was producing: the check of interrupted produces reports and settles it.
            if (Disclosure.ProductionIntent.IsPartialName(file.Name, out _, out _, out _)) continue;
            var written = new DateTimeOffset(file.LastWriteTimeUtc);
            if (now - written < opts.Grace) continue;
            var finding = new Finding(FindingKinds.TempFile, Path.Combine("tmp", file.Name),
                $"a temporary file ({file.Length} bytes, written {written.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) left behind", Repairable: true);
            var repaired = false;
            if (opts.Repair)
            {
                try
                {
                    file.Delete();
                    repaired = true;
                }
                catch (IOException)
                {
                    // Gone already, or not removable by this user: reported unrepaired.
                }
            }
            add(finding, repaired);
        }
    }

    /// <summary>Each serial followed by the next one present, only where that is not serial + 1.</summary>
    private async Task<IReadOnlyList<Finding>> JournalGapsAsync(CancellationToken ct)
    {
        var newest = await db.Journals.MaxAsync(j => (long?)j.Id, ct) ?? 0;
        var gaps = await db.Journals.AsNoTracking()
            .Where(j => j.Id < newest && !db.Journals.Any(k => k.Id == j.Id + 1))
            .Select(j => new { j.Id, Next = db.Journals.Where(k => k.Id > j.Id).Min(k => k.Id) })
            .ToListAsync(ct);
        var pairs = gaps.Select(g => (g.Id, g.Next)).ToList();
        return IntegrityRules.JournalGaps(pairs);
    }

    private async Task CheckSerialsAsync(IntegrityOptions opts, Action<Finding, bool> add, CancellationToken ct)
    {
        var projects = await db.Projects.AsNoTracking().Select(p => new { p.NormalizedName, p.LastSerial }).ToListAsync(ct);
        var journal = await db.Journals.AsNoTracking().GroupBy(j => j.Name).Select(g => new { Name = g.Key, Newest = g.Max(j => j.Id) }).ToListAsync(ct);
        var newest = IntegrityRules.NewestByProject(journal.Select(j => (j.Name, j.Newest)));
        var findings = IntegrityRules.CompareSerials(projects.Select(p => (p.NormalizedName, p.LastSerial)), newest);
        foreach (var f in findings)
        {
            var repaired = false;
            if (opts.Repair && f.Repairable)
            {
                await FixSerialAsync(f.Subject, newest[f.Subject], ct);
                repaired = true;
            }
            add(f, repaired);
        }
    }

    /// <summary>Through the index's unit of work, so the project's cached pages are published afresh.</summary>
    private Task FixSerialAsync(string normalizedName, long serial, CancellationToken ct) =>
        writer.ChangeAsync(async change =>
        {
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == normalizedName, ct);
            project.LastSerial = serial;
            change.Touch(normalizedName);
        }, ct);

    /// <summary>
    /// Days the rollup has closed (before its next start) whose raw events retention has not thinned yet:
    /// the rollup rows of such a day, its daily counts and each of its series, count exactly its events.
    /// Three queries per day, over the retention window only.
    /// </summary>
    private async Task<IReadOnlyList<Finding>> RollupMismatchesAsync(CancellationToken ct)
    {
        var state = await db.DownloadRollupState.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (state is null) return [];
        var intactFrom = DownloadRollup.IntactFrom(options, clock.GetUtcNow().UtcDateTime);
        // Over a nullable value, MIN of an empty table is null: one query each.
        var firstEvent = await db.DownloadEvents.MinAsync(e => (DateTime?)e.Timestamp, ct);
        var firstRollup = await db.DailyDownloads.MinAsync(d => (DateOnly?)d.Date, ct);
        var first = new[] { firstEvent is { } e ? DateOnly.FromDateTime(e) : (DateOnly?)null, firstRollup }.Where(d => d is not null).Min();
        if (first is null) return [];
        var findings = new List<Finding>();
        for (var day = first.Value < intactFrom ? intactFrom : first.Value; day < state.RecomputeFrom; day = day.AddDays(1))
        {
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var end = start.AddDays(1);
            var events = await db.DownloadEvents.LongCountAsync(x => x.Timestamp >= start && x.Timestamp < end, ct);
            var counted = await db.DailyDownloads.Where(d => d.Date == day).SumAsync(d => (long?)d.Downloads, ct) ?? 0;
            // Each series the statistics API serves splits the day's downloads one way (by installer, Python
            // version, system, country, project version), so each adds up to the same total.
            var series = await db.DailySeries.Where(d => d.Date == day).GroupBy(d => d.Breakdown)
                .Select(g => new { Breakdown = g.Key, Downloads = g.Sum(d => d.Downloads) }).ToDictionaryAsync(g => g.Breakdown, g => g.Downloads, ct);
            var otherwise = SeriesNames.Where(name => series.GetValueOrDefault(name) != counted)
                .Select(name => $"\"{name}\" {series.GetValueOrDefault(name)}").ToList();
            if (events == counted && otherwise.Count == 0) continue;
            var detail = events == counted
                ? $"the daily rollup counts {counted} downloads, as many as the raw events kept for the day"
                : $"the daily rollup counts {counted} downloads but {events} raw events are kept for the day";
            if (otherwise.Count > 0) detail += $", and its series add up to other totals ({string.Join(", ", otherwise)})";
            findings.Add(new Finding(FindingKinds.RollupMismatch, $"downloads {day:yyyy-MM-dd}",
                detail + $" (`cheeseshop stats rollup --from {day:yyyy-MM-dd}` rebuilds it)"));
        }
        return findings;
    }

    private static readonly string[] SeriesNames = Enum.GetValues<Core.Downloads.StatsBreakdown>().Select(Core.Downloads.DailySeries.Of).Distinct().ToArray();
}
