using Cheeseshop.Hosting;

namespace Cheeseshop.Privacy;

/// <summary>Enforces the retention policy once a day (and shortly after start). Each run is recorded
/// with its counts, so the schedule can be shown. On several nodes every node runs it; the work is
/// idempotent, so the second run of the day finds nothing left to erase.</summary>
public sealed class RetentionJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RetentionJob> log) : PeriodicJob(scopes, clock, log)
{
    public const string Actor = "job:retention";

    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);
    protected override TimeSpan Period => TimeSpan.FromDays(1);
    protected override string FailureMessage => "The daily retention run failed; it will be tried again tomorrow (or run `cheeseshop retention run`)";

    protected override Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct) =>
        services.GetRequiredService<RetentionService>().RunAsync(now, dryRun: false, Actor, ct);
}
