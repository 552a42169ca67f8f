using System.IO.Compression;

namespace Cheeseshop.Core.Packaging;

/// <summary>Wheels and legacy .zip sdists.</summary>
internal static class ZipDistribution
{
    public static DistributionContents ReadWheel(Stream stream, DistributionFilename filename, ArchiveLimits limits, string archive)
    {
        using var zip = Open(stream, limits, archive, "wheel (.whl)");
        var entries = Survey(zip, archive, "a wheel");

        var distInfos = entries
            .Where(e => e.Segments.Length >= 2 && e.Segments[0].EndsWith(".dist-info", StringComparison.Ordinal))
            .Select(e => e.Segments[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (distInfos.Count == 0)
            throw new InvalidDistributionException($"Invalid wheel {archive}: it has no .dist-info directory.");
        if (distInfos.Count > 1)
            throw new InvalidDistributionException(
                $"Invalid wheel {archive}: it has more than one .dist-info directory ({string.Join(", ", distInfos.Take(5).Select(MessageText.Quote))}).");

        var distInfo = distInfos[0];
        if (!MatchesFilename(distInfo, filename))
            throw new InvalidDistributionException(
                $"Invalid wheel {archive}: its .dist-info directory {MessageText.Quote(distInfo)} does not match the name "
                + $"and version in the filename; expected '{filename.Name}-{filename.Version}.dist-info'.");

        var metadata = Single(entries, $"{distInfo}/METADATA", archive, "wheel")
            ?? throw new InvalidDistributionException($"Invalid wheel {archive}: {MessageText.Quote($"{distInfo}/METADATA")} is missing.");
        _ = Single(entries, $"{distInfo}/WHEEL", archive, "wheel")
            ?? throw new InvalidDistributionException($"Invalid wheel {archive}: {MessageText.Quote($"{distInfo}/WHEEL")} is missing.");

        return DistributionReader.Contents(ReadEntry(metadata, limits, archive), metadata.FullName, archive);
    }

    public static DistributionContents ReadSdist(Stream stream, ArchiveLimits limits, string archive)
    {
        using var zip = Open(stream, limits, archive, "legacy sdist (.zip)");
        var entries = Survey(zip, archive, "an sdist");

        var layout = new TopLevelLayout();
        foreach (var (entry, segments) in entries) layout.Add(segments, entry.FullName.EndsWith('/'));
        var top = layout.SingleDirectory(archive);

        var pkgInfo = Single(entries, $"{top}/PKG-INFO", archive, "sdist")
            ?? throw new InvalidDistributionException($"Invalid sdist {archive}: {MessageText.Quote($"{top}/PKG-INFO")} is missing.");
        return DistributionReader.Contents(ReadEntry(pkgInfo, limits, archive), pkgInfo.FullName, archive);
    }

    private static ZipArchive Open(Stream stream, ArchiveLimits limits, string archive, string expected)
    {
        var kind = DistributionReader.Sniff(stream);
        if (kind == "gzip")
            throw new InvalidDistributionException($"Invalid distribution file {archive}: a {expected} must be a zip archive, but this is gzip-compressed data.");
        if (!ZipEndOfCentralDirectory.TryReadEntryCount(stream, out var declared))
            throw new InvalidDistributionException($"Invalid distribution file {archive}: a {expected} must be a zip archive, and this is not one.");
        if (declared > limits.MaxEntries)
            throw TooManyEntries(archive, declared, limits);

        stream.Position = 0;
        try
        {
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            // Loads the central directory; a damaged one fails here rather than later.
            if (zip.Entries.Count > limits.MaxEntries) throw TooManyEntries(archive, zip.Entries.Count, limits);
            return zip;
        }
        catch (InvalidDataException)
        {
            throw new InvalidDistributionException($"Invalid distribution file {archive}: the zip archive is damaged or truncated.");
        }
    }

    private static InvalidDistributionException TooManyEntries(string archive, long count, ArchiveLimits limits) =>
        new($"Invalid distribution file {archive}: it has {count} entries, more than the limit of {limits.MaxEntries}.");

    private static List<(ZipArchiveEntry Entry, string[] Segments)> Survey(ZipArchive zip, string archive, string kind) =>
        zip.Entries.Select(e =>
        {
            var segments = ArchivePath.Segments(e.FullName, archive);
            ZipEntryType.Check(e, archive, kind);
            return (e, segments);
        }).ToList();

    // A second entry with the same name would be read by some tools and not others.
    private static ZipArchiveEntry? Single(List<(ZipArchiveEntry Entry, string[] Segments)> entries, string path, string archive, string kind)
    {
        var matches = entries.Where(e => e.Entry.FullName == path).Select(e => e.Entry).ToList();
        if (matches.Count > 1)
            throw new InvalidDistributionException($"Invalid {kind} {archive}: it contains {MessageText.Quote(path)} more than once.");
        return matches.FirstOrDefault();
    }

    // {name}-{version}.dist-info with the name escaped: compare normalized names and PEP 440 versions.
    private static bool MatchesFilename(string distInfo, DistributionFilename filename)
    {
        var stem = distInfo[..^".dist-info".Length];
        var wanted = ProjectName.Normalize(filename.Name);
        for (var i = stem.IndexOf('-'); i >= 0; i = stem.IndexOf('-', i + 1))
        {
            if (ProjectName.Normalize(stem[..i]) == wanted
                && PackageVersion.TryParse(stem[(i + 1)..], out var version)
                && version!.Equals(filename.Version))
                return true;
        }
        return false;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, ArchiveLimits limits, string archive)
    {
        // Judged from the central directory before any decompression...
        if (entry.Length > limits.MaxMetadataBytes)
            throw DistributionReader.TooLarge(entry.FullName, archive, limits.MaxMetadataBytes);
        if (entry.Length > 0)
        {
            var ratio = entry.CompressedLength == 0 ? double.PositiveInfinity : (double)entry.Length / entry.CompressedLength;
            if (ratio > limits.MaxCompressionRatio)
                throw new InvalidDistributionException(
                    $"Invalid distribution file {archive}: {MessageText.Quote(entry.FullName)} is compressed {ratio:0}:1, "
                    + $"more than the limit of {limits.MaxCompressionRatio:0}:1; it looks like a zip bomb.");
        }
        // ...and again while reading, since those headers are the uploader's word.
        try
        {
            byte[] bytes;
            using (var source = entry.Open())
                bytes = DistributionReader.ReadBounded(source, limits.MaxMetadataBytes, entry.FullName, archive);
            // ZipArchive stops at the declared size and does not verify the checksum, so a header that
            // lies about the size would otherwise go unnoticed (Python's zipfile, as pip uses it, would fail).
            if (bytes.Length != entry.Length || Crc32.Compute(bytes) != entry.Crc32)
                throw new InvalidDataException("size or checksum mismatch");
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new InvalidDistributionException(
                $"Invalid distribution file {archive}: {MessageText.Quote(entry.FullName)} cannot be decompressed (it is damaged, encrypted or uses an unsupported method).");
        }
    }
}
