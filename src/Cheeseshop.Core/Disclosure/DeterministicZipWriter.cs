using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// A zip archive whose bytes depend only on the entries given and one fixed entry time: no clock, no
/// operating-system attributes, no extra fields. The same entries in the same order give the same
/// bytes, so a package's SHA-256 proves what was sent. (System.IO.Compression.ZipArchive records the
/// host system in "version made by" and file attributes, so its output differs between machines.)
/// Every entry is deflated; sizes and CRC follow the data in a data descriptor, so the output need not
/// be seekable. Packages stay under the classic format's limits (4 GiB per entry and in total,
/// 65,535 entries); a larger one is refused rather than written wrong.
/// </summary>
public sealed class DeterministicZipWriter : IDisposable
{
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint DataDescriptorSignature = 0x08074b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    /// <summary>Bit 3: sizes and CRC in a data descriptor; bit 11: names are UTF-8.</summary>
    private const ushort Flags = 0x0808;
    private const ushort Deflated8 = 8;
    /// <summary>2.0: deflate. Also used as "version made by" (host 0, MS-DOS), so no Unix mode bits are implied.</summary>
    private const ushort Version = 20;

    private readonly CountingStream _out;
    private readonly ushort _dosTime;
    private readonly ushort _dosDate;
    private readonly List<(byte[] Name, uint Crc, long Compressed, long Size, long Offset)> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _finished;

    public DeterministicZipWriter(Stream output, DateTime entryTime)
    {
        _out = new CountingStream(output);
        (_dosDate, _dosTime) = DosDateTime(entryTime);
    }

    /// <summary>An entry's data already deflated (by <see cref="Deflate"/>), with its CRC-32 and sizes.</summary>
    public sealed record Deflated(uint Crc, long Size, long CompressedSize);

    /// <summary>
    /// Deflates <paramref name="content"/> into <paramref name="output"/> exactly as <see cref="Add(string, Stream)"/>
    /// would inside the archive, so that entries can be compressed ahead (on another thread, while the next
    /// table is still being written) and copied in with <see cref="AddDeflated"/>: the archive's bytes are the same.
    /// </summary>
    public static Deflated Deflate(Stream content, Stream output)
    {
        var counting = new CountingStream(output);
        var crc = Crc32.Initial;
        long size = 0;
        using (var deflate = new DeflateStream(counting, CompressionLevel.Optimal, leaveOpen: true))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                crc = Crc32.Append(crc, buffer.AsSpan(0, read));
                size += read;
                deflate.Write(buffer, 0, read);
            }
        }
        return new Deflated(Crc32.Finish(crc), size, counting.Position);
    }

    /// <summary>Copies <paramref name="content"/> into the archive as <paramref name="path"/> (forward slashes, relative).</summary>
    public void Add(string path, Stream content)
    {
        var offset = BeginEntry(path, out var name);
        var deflated = Deflate(content, _out);
        EndEntry(path, name, offset, deflated);
    }

    /// <summary>Adds an entry whose data <see cref="Deflate"/> already compressed into <paramref name="compressed"/>.</summary>
    public void AddDeflated(string path, Deflated deflated, Stream compressed)
    {
        var offset = BeginEntry(path, out var name);
        var start = _out.Position;
        compressed.CopyTo(_out, 81920);
        if (_out.Position - start != deflated.CompressedSize)
            throw new InvalidOperationException($"The compressed data of '{path}' is {_out.Position - start} bytes, not the {deflated.CompressedSize} recorded.");
        EndEntry(path, name, offset, deflated);
    }

    private long BeginEntry(string path, out byte[] name)
    {
        if (_finished) throw new InvalidOperationException("The archive is already finished.");
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\') || path.Split('/').Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"'{path}' is not a relative archive path.", nameof(path));
        if (!_names.Add(path)) throw new ArgumentException($"The archive already has an entry '{path}'.", nameof(path));
        if (_entries.Count == ushort.MaxValue) throw new InvalidOperationException("A package cannot hold more than 65,535 files.");

        name = Encoding.UTF8.GetBytes(path);
        var offset = _out.Position;
        Span<byte> header = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Deflated8);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], _dosDate);
        // CRC and sizes (14..25) stay zero here: they follow in the data descriptor.
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0);
        _out.Write(header);
        _out.Write(name);
        return offset;
    }

    private void EndEntry(string path, byte[] name, long offset, Deflated d)
    {
        if (d.Size > uint.MaxValue || d.CompressedSize > uint.MaxValue || _out.Position > uint.MaxValue)
            throw new InvalidOperationException($"'{path}' makes the package larger than 4 GiB, which this zip format cannot describe; narrow the request's scope.");
        Span<byte> descriptor = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, DataDescriptorSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], d.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)d.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)d.Size);
        _out.Write(descriptor);
        _entries.Add((name, d.Crc, d.CompressedSize, d.Size, offset));
    }

    public void Add(string path, byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        Add(path, stream);
    }

    /// <summary>Writes the central directory. Nothing can be added afterwards.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        var start = _out.Position;
        Span<byte> header = stackalloc byte[46];
        foreach (var e in _entries)
        {
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, CentralHeaderSignature);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header[10..], Deflated8);
            BinaryPrimitives.WriteUInt16LittleEndian(header[12..], _dosTime);
            BinaryPrimitives.WriteUInt16LittleEndian(header[14..], _dosDate);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], e.Crc);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)e.Compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)e.Size);
            BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)e.Name.Length);
            // Extra field, comment, disk number, internal and external attributes: all zero.
            BinaryPrimitives.WriteUInt32LittleEndian(header[42..], (uint)e.Offset);
            _out.Write(header);
            _out.Write(e.Name);
        }
        var size = _out.Position - start;
        if (_out.Position > uint.MaxValue) throw new InvalidOperationException("The package is larger than 4 GiB, which this zip format cannot describe; narrow the request's scope.");
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, EndOfCentralDirectorySignature);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)start);
        _out.Write(end);
        _out.Flush();
    }

    public void Dispose() => Finish();

    /// <summary>MS-DOS date and time (2-second resolution) of the UTC time; before 1980 it is 1980-01-01.</summary>
    internal static (ushort Date, ushort Time) DosDateTime(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;
        if (utc.Year < 1980) utc = new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (utc.Year > 2107) utc = new DateTime(2107, 12, 31, 23, 59, 58, DateTimeKind.Utc);
        var date = (ushort)(((utc.Year - 1980) << 9) | (utc.Month << 5) | utc.Day);
        var time = (ushort)((utc.Hour << 11) | (utc.Minute << 5) | (utc.Second / 2));
        return (date, time);
    }

    /// <summary>Incremental zip CRC-32 (IEEE, reflected 0xEDB88320), eight bytes a step ("slicing by 8"):
    /// a package is tens of megabytes, and the byte-at-a-time loop was a fifth of the time spent zipping.</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFFFFFFu;
        private static readonly uint[][] Tables = Build();

        private static uint[][] Build()
        {
            var t = new uint[8][];
            for (var k = 0; k < 8; k++) t[k] = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                var c = i;
                for (var b = 0; b < 8; b++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[0][i] = c;
            }
            for (var i = 0; i < 256; i++)
                for (var k = 1; k < 8; k++)
                    t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
            return t;
        }

        public static uint Append(uint crc, ReadOnlySpan<byte> data)
        {
            var t = Tables;
            while (data.Length >= 8)
            {
                var lo = crc ^ BinaryPrimitives.ReadUInt32LittleEndian(data);
                var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24]
                    ^ t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
                data = data[8..];
            }
            foreach (var b in data) crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;
    }

    /// <summary>Counts bytes written, so offsets are known without seeking.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _position;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _position += buffer.Length;
        }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _position;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
