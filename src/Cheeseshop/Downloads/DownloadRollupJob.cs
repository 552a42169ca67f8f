using Cheeseshop.Disclosure;
using Cheeseshop.Hosting;

namespace Cheeseshop.Downloads;

/// <summary>
/// Brings the daily aggregates up to date every RollupMinutes (and a minute after start). Only open
/// days are rebuilt, so a run costs about one day's events. On several nodes each runs it; the
/// rebuild of a day is serialised and idempotent.
/// </summary>
public sealed class DownloadRollupJob(IServiceScopeFactory scopes, DownloadsOptions options, TimeProvider clock, ILogger<DownloadRollupJob> log)
    : PeriodicJob(scopes, clock, log)
{
    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);
    protected override TimeSpan Period => TimeSpan.FromMinutes(options.RollupMinutes);
    protected override string FailureMessage =>
        $"The download rollup failed; it runs again in {options.RollupMinutes} minutes (or run `cheeseshop stats rollup`)";

    protected override Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct) =>
        services.GetRequiredService<DownloadRollup>().RunAsync(now, null, ct);
}
