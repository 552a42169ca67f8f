namespace Cheeseshop.Core.Packaging;

/// <summary>
/// Sits between the gzip stream and TarReader, following the tar block structure on its own. It
/// bounds the total number of decompressed bytes, and it refuses pax ('x', 'g') and GNU long-name
/// ('L', 'K') headers that declare a large data block before TarReader sees them: TarReader
/// allocates a buffer of the declared size for those (up to 2 GB) before reading a byte of it.
/// </summary>
internal sealed class TarHeaderGuardStream : Stream
{
    private const int BlockSize = 512;
    // Pax records and long names are a few hundred bytes in practice.
    public const long MaxHeaderDataBytes = 1024 * 1024;

    private readonly Stream _inner;
    private readonly long _maxTotalBytes;
    private readonly string _archive;
    private readonly byte[] _buffer = new byte[128 * BlockSize];
    private int _bufferLength;
    private int _bufferPosition;
    private long _total;

    private long _nextHeader;
    private bool _structureDone;
    private long? _paxSize;
    private MemoryStream? _paxData;
    private long _paxDataEnd;

    public TarHeaderGuardStream(Stream inner, long maxTotalBytes, string archive)
    {
        _inner = inner;
        _maxTotalBytes = maxTotalBytes;
        _archive = archive;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        if (_bufferPosition == _bufferLength && !Fill()) return 0;
        var n = Math.Min(destination.Length, _bufferLength - _bufferPosition);
        _buffer.AsSpan(_bufferPosition, n).CopyTo(destination);
        _bufferPosition += n;
        return n;
    }

    private bool Fill()
    {
        var start = _total;
        // Whole buffers until the end, so every chunk starts on a block boundary.
        var n = _inner.ReadAtLeast(_buffer, _buffer.Length, throwOnEndOfStream: false);
        if (n == 0) return false;
        _total += n;
        if (_total > _maxTotalBytes)
            throw Invalid($"it decompresses to more than {_maxTotalBytes} bytes, which looks like a decompression bomb.");
        _bufferLength = n;
        _bufferPosition = 0;
        for (var i = 0; i + BlockSize <= n && !_structureDone; i += BlockSize)
            InspectBlock(start + i, _buffer.AsSpan(i, BlockSize));
        return true;
    }

    private void InspectBlock(long offset, ReadOnlySpan<byte> block)
    {
        if (_paxData is not null && offset < _paxDataEnd)
        {
            _paxData.Write(block[..(int)Math.Min(BlockSize, _paxDataEnd - offset)]);
            if (offset + BlockSize >= _paxDataEnd)
            {
                _paxSize = PaxSize(_paxData.ToArray()) ?? _paxSize;
                _paxData = null;
            }
            return;
        }
        if (offset != _nextHeader) return; // file data

        // A zero block marks the end of the archive; what follows is padding.
        if (!block.ContainsAnyExcept((byte)0))
        {
            _structureDone = true;
            return;
        }

        var type = (char)block[156];
        if (!TryParseSize(block.Slice(124, 12), out var size))
            throw Invalid("it is not a valid gzip-compressed tar archive (it is damaged or truncated).");

        var isMetadataHeader = type is 'x' or 'g' or 'L' or 'K';
        if (isMetadataHeader && size > MaxHeaderDataBytes)
            throw Invalid($"it has an extended tar header of {size} bytes (more than {MaxHeaderDataBytes}).");

        long dataSize;
        if (isMetadataHeader)
        {
            dataSize = size;
            if (type == 'x' && size > 0)
            {
                // A pax "size" record replaces the size field of the entry that follows.
                _paxData = new MemoryStream();
                _paxDataEnd = offset + BlockSize + size;
            }
        }
        else
        {
            dataSize = _paxSize ?? size;
            _paxSize = null;
            // Links, devices, directories and FIFOs have no data section.
            if (type is '1' or '2' or '3' or '4' or '5' or '6') dataSize = 0;
        }
        _nextHeader = offset + BlockSize + (dataSize + BlockSize - 1) / BlockSize * BlockSize;
    }

    // Octal digits (possibly space-padded, NUL- or space-terminated), or GNU base-256 when the high
    // bit of the first byte is set.
    private static bool TryParseSize(ReadOnlySpan<byte> field, out long size)
    {
        size = 0;
        if ((field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x7f) != 0 || field[1..4].ContainsAnyExcept((byte)0)) return false; // > 2^64 bytes
            foreach (var b in field[4..]) size = (size << 8) | b;
            return size >= 0;
        }
        var i = 0;
        while (i < field.Length && field[i] == ' ') i++;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
            size = size * 8 + (field[i] - '0');
        return i == field.Length || field[i] is 0 or (byte)' ';
    }

    // Pax records: "<length> <key>=<value>\n".
    private static long? PaxSize(byte[] data)
    {
        var text = System.Text.Encoding.UTF8.GetString(data);
        foreach (var record in text.Split('\n'))
        {
            var space = record.IndexOf(' ');
            if (space < 0) continue;
            var keyValue = record[(space + 1)..];
            if (keyValue.StartsWith("size=", StringComparison.Ordinal)
                && long.TryParse(keyValue.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return null;
    }

    private InvalidDistributionException Invalid(string why) => new($"Invalid distribution file {_archive}: {why}");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _total - (_bufferLength - _bufferPosition); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
