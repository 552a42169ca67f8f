using Cheeseshop.Privacy;

namespace Cheeseshop.Jobs;

/// <summary>Enforces the retention policy once a day (and shortly after start). Each run is recorded
/// with its counts, so the schedule can be shown. On several nodes every node runs it; the work is
/// idempotent, so the second run of the day finds nothing left to erase.</summary>
public sealed class RetentionJob(IServiceScopeFactory scopes, ILogger<RetentionJob> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken); }
        catch (OperationCanceledException) { return; }
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(DateTime.UtcNow, dryRun: false, "job:retention", stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "The daily retention run failed; it will be tried again tomorrow (or run `cheeseshop retention run`)");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
