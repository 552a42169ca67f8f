using Cheeseshop.Disclosure;

namespace Cheeseshop.Jobs;

/// <summary>
/// Sends the notices whose nondisclosure order has ended (and any a mail failure left waiting), once a
/// day and shortly after start. `cheeseshop legal notices [--as-of TIME]` does the same work by hand.
/// Sending is idempotent: a sent notice is marked, so several nodes never send one twice in sequence.
/// </summary>
public sealed class LegalNoticeJob(IServiceScopeFactory scopes, ILogger<LegalNoticeJob> log) : BackgroundService
{
    public const string Actor = "job:legal-notices";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await Task.Delay(TimeSpan.FromMinutes(2), stoppingToken); }
        catch (OperationCanceledException) { return; }
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<LegalNoticeService>().SendDueAsync(DateTime.UtcNow, null, Actor, stoppingToken);
                if (run.Sent + run.Undeliverable + run.Failed > 0)
                    log.LogInformation("Legal notices: {Sent} sent, {Undeliverable} undeliverable, {Failed} failed (tried again tomorrow)", run.Sent, run.Undeliverable, run.Failed);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Sending due legal notices failed; they are tried again tomorrow (or run `cheeseshop legal notices`)");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
