using System.Formats.Tar;
using System.IO.Compression;

namespace Cheeseshop.Core.Packaging;

/// <summary>.tar.gz sdists, streamed entry by entry: only PKG-INFO is ever read into memory.</summary>
internal static class TarGzDistribution
{
    // Small archives may legitimately expand by more than the ratio (tar pads every file to 512
    // bytes and the archive to 10 KiB), so the ratio only bites above this size.
    private const long MinDecompressedAllowance = 64L * 1024 * 1024;

    public static DistributionContents ReadSdist(Stream stream, ArchiveLimits limits, string archive)
    {
        switch (DistributionReader.Sniff(stream))
        {
            case "zip":
                throw new InvalidDistributionException(
                    $"Invalid distribution file {archive}: it is a zip archive, but a .tar.gz sdist must be a gzip-compressed tar archive.");
            case "other":
                throw new InvalidDistributionException(
                    $"Invalid distribution file {archive}: it is not gzip-compressed; a .tar.gz sdist must be a gzip-compressed tar archive.");
        }

        // A tar has no per-entry compressed sizes, so the compression ratio bounds the whole stream.
        var maxTotal = Math.Max(MinDecompressedAllowance, SaturatingMultiply(stream.Length, limits.MaxCompressionRatio));
        var layout = new TopLevelLayout();
        var links = new TarLinkRules(archive);
        byte[]? pkgInfo = null;
        string? pkgInfoPath = null;
        var count = 0;

        try
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var guard = new TarHeaderGuardStream(gzip, maxTotal, archive);
            using var tar = new TarReader(guard, leaveOpen: true);
            // copyData: false streams over each entry; nothing is extracted or buffered.
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (++count > limits.MaxEntries)
                    throw new InvalidDistributionException(
                        $"Invalid distribution file {archive}: it has more than {limits.MaxEntries} entries.");
                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) continue;

                var segments = ArchivePath.Segments(entry.Name, archive);
                layout.Add(segments, entry.EntryType == TarEntryType.Directory);
                links.Add(entry, segments);
                if (segments is not [_, "PKG-INFO"]) continue;

                if (pkgInfo is not null)
                {
                    // Another top-level directory's PKG-INFO is left to the layout check below.
                    if (string.Join('/', segments) != pkgInfoPath) continue;
                    throw new InvalidDistributionException($"Invalid sdist {archive}: it contains {MessageText.Quote(pkgInfoPath)} more than once.");
                }
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
                    throw new InvalidDistributionException($"Invalid sdist {archive}: {MessageText.Quote(string.Join('/', segments))} is not a regular file.");
                pkgInfoPath = string.Join('/', segments);
                if (entry.Length > limits.MaxMetadataBytes)
                    throw DistributionReader.TooLarge(pkgInfoPath, archive, limits.MaxMetadataBytes);
                pkgInfo = entry.DataStream is null
                    ? []
                    : DistributionReader.ReadBounded(entry.DataStream, limits.MaxMetadataBytes, pkgInfoPath, archive);
            }
        }
        catch (NotSupportedException)
        {
            // The tar reader refuses some GNU entry types (sparse files) outright; no sdist needs them.
            throw new InvalidDistributionException(
                $"Invalid distribution file {archive}: it holds a tar entry of a kind an sdist has no use for (such as a sparse file).");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException
                                      or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new InvalidDistributionException(
                $"Invalid distribution file {archive}: it is not a valid gzip-compressed tar archive (it is damaged or truncated).");
        }

        links.Finish();
        var top = layout.SingleDirectory(archive);
        if (pkgInfo is null || pkgInfoPath != $"{top}/PKG-INFO")
            throw new InvalidDistributionException($"Invalid sdist {archive}: {MessageText.Quote($"{top}/PKG-INFO")} is missing.");
        return DistributionReader.Contents(pkgInfo, pkgInfoPath, archive);
    }

    private static long SaturatingMultiply(long length, double ratio)
    {
        var product = length * ratio;
        return product >= long.MaxValue ? long.MaxValue : (long)product;
    }
}
