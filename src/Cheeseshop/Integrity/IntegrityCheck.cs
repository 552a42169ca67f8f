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

public sealed record IntegrityReport(IReadOnlyList<CheckedFinding> Findings, int FilesChecked, int YoungUnreferenced)
{
    /// <summary>Differences still there: all of them without --repair, those it could not fix with it.</summary>
    public int Remaining => Findings.Count(f => !f.Repaired);
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
    CheeseshopOptions options, TimeProvider clock, Disclosure.InterruptedProductions productions)
{
    public async Task<IntegrityReport> RunAsync(IntegrityOptions opts, Action<CheckedFinding> report, CancellationToken ct)
    {
        var findings = new List<CheckedFinding>();
        void Add(Finding f, bool repaired)
        {
            var c = new CheckedFinding(f, repaired);
            findings.Add(c);
            report(c);
        }
        var (filesChecked, young) = await CheckStoreAsync(opts, Add, ct);
        CheckTemp(opts, Add);
        foreach (var gap in await JournalGapsAsync(ct)) Add(gap, false);
        await CheckSerialsAsync(opts, Add, ct);
        foreach (var rollup in await RollupMismatchesAsync(ct)) Add(rollup, false);
        // A production still running holds its note and is not listed: no grace period is needed.
        foreach (var p in await productions.CheckAsync(opts.Repair, ct))
            Add(new Finding(FindingKinds.InterruptedProduce, p.Target, p.Detail, Repairable: true), p.Settled);
        return new IntegrityReport(findings, filesChecked, young);
    }

    /// <summary>The store part alone, presence and size only, removing orphans older than the grace.</summary>
    public async Task<IReadOnlyList<CheckedFinding>> SweepStoreAsync(TimeSpan grace, CancellationToken ct)
    {
        var findings = new List<CheckedFinding>();
        await CheckStoreAsync(new IntegrityOptions(Quick: true, Repair: true, grace), (f, r) => findings.Add(new CheckedFinding(f, r)), ct);
        return findings;
    }

    /// <param name="Blake2b256">Null for a proxied file: the upstream's page gives its SHA-256 only.</param>
    private sealed record FileRow(string Path, long Size, string Sha256, string? Blake2b256, string? MetadataSha256, string Label);

    /// <summary>Rows are read before the store is listed: a file an upload stores meanwhile then shows as a
    /// young file without a row (left alone), never as a row without its file.</summary>
    private async Task<(int Checked, int Young)> CheckStoreAsync(IntegrityOptions opts, Action<Finding, bool> add, CancellationToken ct)
    {
        // The quick check (the daily sweep) compares paths and sizes only: the digests stay in the database.
        var quick = opts.Quick;
        var uploaded = await db.Files.AsNoTracking()
            .Select(f => new FileRow(f.Path, f.Size, quick ? "" : f.Sha256, quick ? null : f.Blake2b256, f.MetadataSha256,
                f.Release!.Project!.Name + " " + f.Release.Version + " " + f.Filename))
            .ToListAsync(ct);
        // Files the upstream proxy stored are referenced too (by their proxied_files rows), never orphans.
        var proxied = await db.ProxiedFiles.AsNoTracking()
            .Select(f => new FileRow(f.Path, f.Size, f.Sha256, null, f.MetadataSha256, "upstream " + f.Filename)).ToListAsync(ct);
        var rows = uploaded.Concat(proxied).ToList();
        var expected = rows.Select(r => new ExpectedFile(r.Path, r.Size, r.Label))
            .Concat(rows.Where(r => r.MetadataSha256 is not null).Select(r => new ExpectedFile(r.Path + ".metadata", null, r.Label)));
        var listed = new List<ListedFile>();
        await foreach (var e in store.ListAsync(ct)) listed.Add(new ListedFile(e.Path, e.Length, e.LastModified));

        var comparison = IntegrityRules.CompareStore(expected, listed, clock.GetUtcNow(), opts.Grace);
        foreach (var f in comparison.Findings)
        {
            var repaired = false;
            // Only what no row refers to is repairable: an orphan; a missing or damaged file is a person's call.
            if (opts.Repair && f.Repairable)
            {
                await store.DeleteAsync(f.Subject, ct);
                repaired = true;
            }
            add(f, repaired);
        }
        if (!opts.Quick)
        {
            var byPath = rows.ToDictionary(r => r.Path, StringComparer.Ordinal);
            foreach (var present in comparison.Present.Where(p => byPath.ContainsKey(p.Size is null ? p.Path[..^".metadata".Length] : p.Path)))
            {
                var mismatch = present.Size is null
                    ? await CheckMetadataAsync(present.Path, byPath[present.Path[..^".metadata".Length]], ct)
                    : await CheckDigestsAsync(byPath[present.Path], ct);
                if (mismatch is not null) add(mismatch, false);
            }
        }
        return (comparison.Present.Count, comparison.YoungUnreferenced);
    }

    private async Task<Finding?> CheckDigestsAsync(FileRow row, CancellationToken ct)
    {
        var digests = await DigestAsync(row.Path, ct);
        if (digests is null) return new Finding(FindingKinds.MissingFile, row.Path, $"{row.Label} went from the store during the check");
        var blakeAgrees = row.Blake2b256 is null || digests.Blake2b256 == row.Blake2b256;
        if (blakeAgrees && digests.Sha256 == row.Sha256) return null;
        return new Finding(FindingKinds.DigestMismatch, row.Path,
            $"{row.Label}: the row says sha256 {row.Sha256}, the stored content hashes to {digests.Sha256}" +
            (blakeAgrees ? "" : $" (blake2b_256 {digests.Blake2b256}, the row says {row.Blake2b256})"));
    }

    private async Task<Finding?> CheckMetadataAsync(string path, FileRow row, CancellationToken ct)
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
