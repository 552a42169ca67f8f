using Cheeseshop.Hosting;

namespace Cheeseshop.Disclosure;

/// <summary>
/// Sends the notices whose nondisclosure order has ended (and any a mail failure left waiting), once a
/// day and shortly after start. `cheeseshop legal notices [--as-of TIME]` does the same work by hand.
/// Sending is idempotent: a sent notice is marked, so several nodes never send one twice in sequence.
/// </summary>
public sealed class LegalNoticeJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LegalNoticeJob> log) : PeriodicJob(scopes, clock, log)
{
    public const string Actor = "job:legal-notices";

    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(2);
    protected override TimeSpan Period => TimeSpan.FromDays(1);
    protected override string FailureMessage => "Sending due legal notices failed; they are tried again tomorrow (or run `cheeseshop legal notices`)";

    protected override async Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var run = await services.GetRequiredService<LegalNoticeService>().SendDueAsync(now, null, Actor, ct);
        if (run.Sent + run.Undeliverable + run.Failed > 0)
            log.LogInformation("Legal notices: {Sent} sent, {Undeliverable} undeliverable, {Failed} failed (tried again tomorrow)", run.Sent, run.Undeliverable, run.Failed);
    }
}
