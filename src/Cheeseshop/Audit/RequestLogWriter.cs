using System.Text;
using System.Threading.Channels;

namespace Cheeseshop.Audit;

/// <summary>
/// Writes the request log to standard output in batches from a background task. A request only queues
/// its line: the console logger, which writes and flushes one line at a time and makes requests wait
/// when it falls behind, halved the throughput of cached pages. Lines go out whole, through
/// Console.Out's lock, so they never interleave with other log output. If output cannot keep up and
/// the queue fills, lines are dropped and the count is written instead (a request never waits for
/// the log); a graceful stop writes what is queued.
/// </summary>
public sealed class RequestLogWriter : BackgroundService
{
    private const int Capacity = 100_000, BatchChars = 64 * 1024;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private long _dropped;

    public void Write(string line)
    {
        if (!_lines.Writer.TryWrite(line)) Interlocked.Increment(ref _dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new StringBuilder(BatchChars + 1024);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain(batch);
                // Under load a line arrives every few microseconds: without a pause the writer would wake, and
                // write, for nearly every one. The pause collects them into few writes; it only sets when output
                // appears, not what a line says, so it is not the index's clock.
                await Task.Delay(Pace, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
        Drain(batch);
    }

    private void Drain(StringBuilder batch)
    {
        while (_lines.Reader.TryRead(out var line))
        {
            batch.Append(line).Append('\n');
            if (batch.Length >= BatchChars) Flush(batch);
        }
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0) batch.Append($"request log: {dropped} lines dropped (output too slow)\n");
        Flush(batch);
    }

    private static void Flush(StringBuilder batch)
    {
        if (batch.Length == 0) return;
        Console.Out.Write(batch.ToString());
        batch.Clear();
    }
}
