using System.Buffers.Binary;

namespace Cheeseshop.Core.Packaging;

/// <summary>
/// Reads the entry count a zip file declares in its end of central directory record (or the Zip64
/// one), so that an archive claiming millions of entries is refused before ZipArchive loads its
/// central directory into memory.
/// </summary>
internal static class ZipEndOfCentralDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndRecordLength = 22;
    private const int MaxCommentLength = ushort.MaxValue;

    public static bool TryReadEntryCount(Stream stream, out long entries)
    {
        entries = 0;
        var length = stream.Length;
        if (length < EndRecordLength) return false;

        // The record sits at the very end, followed only by a comment of up to 64 KiB.
        var tailLength = (int)Math.Min(length, EndRecordLength + MaxCommentLength);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);

        for (var i = tailLength - EndRecordLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndSignature) continue;
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20));
            if (i + EndRecordLength + commentLength > tailLength) continue; // a signature inside the comment

            entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
            var centralDirectoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i + 16));
            if (entries != ushort.MaxValue && centralDirectoryOffset != uint.MaxValue) return true;

            // Zip64: the locator is the 20 bytes just before the record and points at the Zip64 record.
            var locator = length - tailLength + i - 20;
            if (locator < 0) return true;
            var buffer = new byte[56];
            stream.Position = locator;
            stream.ReadExactly(buffer.AsSpan(0, 20));
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != Zip64LocatorSignature) return true;
            var zip64End = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(8));
            if (zip64End < 0 || zip64End > length - 56) return false;
            stream.Position = zip64End;
            stream.ReadExactly(buffer);
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != Zip64EndSignature) return false;
            var total = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32));
            entries = total > long.MaxValue ? long.MaxValue : (long)total;
            return true;
        }
        return false;
    }
}
