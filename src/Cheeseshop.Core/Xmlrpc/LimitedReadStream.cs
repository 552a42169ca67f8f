namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Read-only view of a stream that fails once more than a set number of bytes has been read,
/// so an oversized body is refused while it streams in, not after it has been buffered.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long maxBytes) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer[..Allowed(buffer.Length)]);
        Count(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false);
        Count(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Ask for at most one byte past the limit: enough to notice an oversized body, while a body
    // of exactly maxBytes still passes.
    private int Allowed(int requested)
    {
        var remaining = maxBytes - _read;
        return remaining >= requested ? requested : (int)remaining + 1;
    }

    private void Count(int n)
    {
        _read += n;
        if (_read > maxBytes) throw new BodyTooLargeException();
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Internal signal; the parser turns it into an <see cref="XmlRpcParseException"/>.</summary>
    internal sealed class BodyTooLargeException : IOException;
}
