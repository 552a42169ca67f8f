using Cheeseshop.Core.Integrity;
using Cheeseshop.Hosting;

namespace Cheeseshop.Integrity;

/// <summary>
/// Once a day (and a few minutes after start) removes stored files no row names that are older than
/// <see cref="Grace"/>: what an upload leaves when the process dies between storing its file and
/// committing its row, locally or in a bucket. A day is far longer than any upload takes from storing
/// to committing, so a file of an upload still in progress on any node is never taken. The files a
/// row names but the store lacks are logged, for a person to look at; nothing else is changed. Daily
/// rather than at start: listing a large bucket takes a while, and the server should serve first.
/// </summary>
public sealed class OrphanSweepJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OrphanSweepJob> log) : PeriodicJob(scopes, clock, log)
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);
    internal const int LoggedExamples = 10;

    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(5);
    protected override TimeSpan Period => TimeSpan.FromDays(1);
    protected override string FailureMessage => "The daily sweep of orphan stored files failed; it will be tried again tomorrow (or run `cheeseshop fsck --repair`)";

    protected override async Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        // A store that lost many files (a wrong bucket, an unmounted volume) would otherwise write one warning per
        // row every day: a few examples and a count per kind say as much, and fsck lists them all.
        var unrepaired = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var (total, removed) = (0, 0);
        await services.GetRequiredService<IntegrityCheck>().SweepStoreAsync(Grace, f =>
        {
            if (f.Repaired)
            {
                removed++;
                return;
            }
            unrepaired[f.Finding.Kind] = unrepaired.GetValueOrDefault(f.Finding.Kind) + 1;
            if (++total <= LoggedExamples)
                log.LogWarning("Stored files: {Finding} (run `cheeseshop fsck` for the whole check)", f.Finding.ToString());
        }, ct);
        if (total > 0)
            log.LogWarning("Stored files: {Total} differences that need a person ({Kinds}), the first {Logged} above; run `cheeseshop fsck` to list them all",
                total, string.Join(", ", unrepaired.Select(k => $"{k.Value} {k.Key}")), Math.Min(total, LoggedExamples));
        if (removed > 0) log.LogInformation("Removed {Count} stored files that no row names, older than {Hours} hours", removed, Grace.TotalHours);
    }
}
