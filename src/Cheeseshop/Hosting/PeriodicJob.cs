namespace Cheeseshop.Hosting;

/// <summary>
/// Background work done every <see cref="Period"/>, the first time <see cref="FirstDelay"/> after start
/// (so a starting server serves before it works). Each run gets its own scope and the current time of
/// the one clock; a failed run is logged and the next one comes as planned. Waits go through the
/// TimeProvider, so a test can move time instead of waiting for it.
/// </summary>
public abstract class PeriodicJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger log) : BackgroundService
{
    protected abstract TimeSpan FirstDelay { get; }
    protected abstract TimeSpan Period { get; }

    /// <summary>What the log says after a failed run: when it is tried again, and how to run it by hand.</summary>
    protected abstract string FailureMessage { get; }

    protected abstract Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstDelay, clock, stoppingToken);
            using var timer = new PeriodicTimer(Period, clock);
            do
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await RunOnceAsync(scope.ServiceProvider, clock.GetUtcNow().UtcDateTime, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    log.LogError(e, "{Failure}", FailureMessage);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }
}
