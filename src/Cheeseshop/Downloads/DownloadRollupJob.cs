namespace Cheeseshop.Downloads;

/// <summary>
/// Brings the daily aggregates up to date every RollupMinutes (and a minute after start). Only open
/// days are rebuilt, so a run costs about one day's events. On several nodes each runs it; the
/// rebuild of a day is serialised and idempotent.
/// </summary>
public sealed class DownloadRollupJob(IServiceScopeFactory scopes, DownloadsOptions options, ILogger<DownloadRollupJob> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken); }
        catch (OperationCanceledException) { return; }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.RollupMinutes));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DownloadRollup>().RunAsync(DateTime.UtcNow, null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "The download rollup failed; it runs again in {Minutes} minutes (or run `cheeseshop stats rollup`)", options.RollupMinutes);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
