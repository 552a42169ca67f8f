using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Cheeseshop.Downloads;

/// <summary>
/// The bounded hand-off between requests and the writer. Enqueueing never waits: when the writer falls
/// behind (or the database is down) and the queue is full, the event is dropped and counted, so a
/// download is never slowed by statistics. Counts are exported as metrics (meter "Cheeseshop.Downloads").
/// </summary>
public sealed class DownloadQueue
{
    public const string MeterName = "Cheeseshop.Downloads";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>("cheeseshop.downloads.dropped", "{event}", "Download events dropped because the queue was full");
    private static readonly Counter<long> WrittenCounter = Meter.CreateCounter<long>("cheeseshop.downloads.written", "{event}", "Download events written to the database");

    private readonly Channel<PendingRequest> _channel;
    private long _enqueued;
    private long _dropped;
    private long _written;
    private bool _completed;

    public DownloadQueue(DownloadsOptions options)
    {
        Capacity = options.QueueCapacity;
        _channel = Channel.CreateBounded<PendingRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            // Wait mode makes TryWrite return false when full (the Drop modes would discard silently).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        Meter.CreateObservableGauge("cheeseshop.downloads.queued", () => (long)_channel.Reader.Count, "{event}", "Download events waiting to be written");
    }

    public int Capacity { get; }

    public long Enqueued => Interlocked.Read(ref _enqueued);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Written => Interlocked.Read(ref _written);
    public int Count => _channel.Reader.Count;

    public ChannelReader<PendingRequest> Reader => _channel.Reader;

    /// <summary>False when the event was dropped: the queue is full or the writer has stopped.</summary>
    public bool TryEnqueue(in PendingRequest request)
    {
        if (_channel.Writer.TryWrite(request))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }
        Interlocked.Increment(ref _dropped);
        DroppedCounter.Add(1);
        return false;
    }

    internal void CountWritten(int n)
    {
        Interlocked.Add(ref _written, n);
        WrittenCounter.Add(n);
    }

    /// <summary>No more events are accepted; the writer drains what is queued and stops.</summary>
    public void Complete()
    {
        Volatile.Write(ref _completed, true);
        _channel.Writer.TryComplete();
    }

    /// <summary>Complete() was called: the writer should write what it holds without waiting for more.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);
}
