using Cheeseshop.Data;

namespace Cheeseshop.Downloads;

/// <summary>
/// Drains the queue into the database in batches: a batch is written when it holds BatchSize events or
/// its first event has waited FlushMilliseconds. A batch that fails is kept and retried (with a growing
/// pause, up to 30 s) until it is written: meanwhile new events wait in the queue, and once that is
/// full they are dropped and counted. Dropped events are reported in one log line a minute at most.
///
/// Stopping: the writer keeps going while the web server finishes its in-flight requests, and flushes
/// once the host has stopped everything else (IHostedLifecycleService.StoppedAsync), so a graceful stop
/// loses nothing. A crash (kill -9, power loss) loses what was still queued: at most about one flush
/// interval of events, or the whole queue if the database was failing at the time.
/// </summary>
public sealed class DownloadWriter(
    DownloadQueue queue,
    IServiceScopeFactory scopes,
    IDownloadSink sink,
    DownloadsOptions options,
    TimeProvider clock,
    ILogger<DownloadWriter> log) : IHostedLifecycleService
{
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromMinutes(1);

    /// <summary>How often a filling batch looks at the queue: a full batch waits at most this long.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private readonly EventBuilder _builder = new(clock);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _reportedDrops;
    private DateTimeOffset _lastDropReport;

    /// <summary>Batches that failed at least once (for tests and logs).</summary>
    public long FailedAttempts { get; private set; }

    // UTC ticks at which the batch being filled or written took its first event; 0 while idle.
    private long _batchTakenTicks;

    /// <summary>False until the host starts the writer (never, in an admin verb) and once its loop has ended.</summary>
    public bool IsRunning => _loop is { IsCompleted: false };

    /// <summary>The host has started the writer.</summary>
    public bool Started => _loop is not null;

    /// <summary>When the batch in hand took its first event; null while the writer waits for one.</summary>
    public DateTimeOffset? BatchTakenAt => Interlocked.Read(ref _batchTakenTicks) is var t and not 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lastDropReport = clock.GetUtcNow();
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The web server is still draining requests here; keep writing.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every other service has stopped: no request can enqueue any more. Flush and end.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        if (_loop is null) return;
        // The host's shutdown timeout bounds the flush; past it, retries stop and what is left is reported.
        await using (cancellationToken.Register(() => _stopping.Cancel()))
        {
            try { await _loop; }
            catch (OperationCanceledException) { }
        }
        var lost = queue.Count;
        if (lost > 0) log.LogWarning("Stopped with {Count} download events not written", lost);
        ReportDrops(force: true);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<PendingRequest>(options.BatchSize);
        var flush = TimeSpan.FromMilliseconds(options.FlushMilliseconds);
        while (true)
        {
            // Wait for the first event of a batch, waking up now and then to report drops.
            bool more;
            try
            {
                using var wake = new CancellationTokenSource(DropReportInterval, clock);
                more = await reader.WaitToReadAsync(wake.Token);
            }
            catch (OperationCanceledException)
            {
                ReportDrops();
                continue;
            }
            if (!more) break; // completed and empty: stopped

            // Then fill the batch until it is full or its first event has waited the flush interval. The
            // writer sleeps between looks instead of waiting on the queue: a reader that keeps up and waits
            // on the channel is woken, with a timer made for the wait, by nearly every event, on the same
            // two cores that serve the downloads. Events arriving meanwhile wait in the queue, which holds far more.
            var deadline = clock.GetUtcNow() + flush;
            Interlocked.Exchange(ref _batchTakenTicks, clock.GetUtcNow().UtcTicks);
            while (true)
            {
                while (batch.Count < options.BatchSize && reader.TryRead(out var item)) batch.Add(item);
                var left = deadline - clock.GetUtcNow();
                if (batch.Count >= options.BatchSize || left <= TimeSpan.Zero || queue.IsCompleted) break;
                try
                {
                    await Task.Delay(left < PollInterval ? left : PollInterval, clock, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (!await WriteWithRetryAsync(batch)) return;
            Interlocked.Exchange(ref _batchTakenTicks, 0);
            batch.Clear();
            ReportDrops();
        }
    }

    /// <summary>Writes until it works; false only when stopping gave up on it.</summary>
    private async Task<bool> WriteWithRetryAsync(List<PendingRequest> batch)
    {
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
                var rows = await _builder.BuildAsync(db, batch, _stopping.Token);
                await sink.WriteAsync(db, rows, _stopping.Token);
                queue.CountWritten(rows.Count);
                if (attempt > 1) log.LogInformation("A batch of {Count} download events was written after {Attempts} attempts", batch.Count, attempt);
                return true;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                log.LogWarning("Shutdown timed out: a batch of {Count} download events was not written", batch.Count);
                return false;
            }
            catch (Exception e)
            {
                FailedAttempts++;
                // One line per attempt, and the pause grows, so a long outage logs a few lines a minute.
                log.LogError(e, "Writing {Count} download events failed (attempt {Attempt}); retrying in {Pause:F1} s", batch.Count, attempt, pause.TotalSeconds);
                try { await Task.Delay(pause, clock, _stopping.Token); }
                catch (OperationCanceledException)
                {
                    log.LogWarning("Shutdown timed out: a batch of {Count} download events was not written", batch.Count);
                    return false;
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                ReportDrops();
            }
        }
    }

    /// <summary>At most one line a minute, however many events are dropped.</summary>
    private void ReportDrops(bool force = false)
    {
        var now = clock.GetUtcNow();
        if (!force && now - _lastDropReport < DropReportInterval) return;
        var dropped = queue.Dropped;
        if (dropped > _reportedDrops)
            log.LogWarning("{Count} download events were dropped since {Since:u}: the queue of {Capacity} was full (total dropped: {Total})",
                dropped - _reportedDrops, _lastDropReport, queue.Capacity, dropped);
        _reportedDrops = dropped;
        _lastDropReport = now;
    }
}
