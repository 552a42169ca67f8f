namespace Cheeseshop.Core.Packaging;

/// <summary>Limits applied while looking inside an uploaded archive: checked from the archive's own
/// headers before anything is decompressed, and again while reading.</summary>
public sealed record ArchiveLimits(
    int MaxEntries = 100_000,
    long MaxMetadataBytes = 4 * 1024 * 1024,
    double MaxCompressionRatio = 100);

/// <summary>What was found inside a distribution file.</summary>
public sealed record DistributionContents(
    /// <summary>The METADATA (wheel) or PKG-INFO (sdist) bytes, exactly as stored in the archive.</summary>
    byte[] MetadataBytes,
    CoreMetadata Metadata,
    /// <summary>Path of that file inside the archive.</summary>
    string MetadataPath);

/// <summary>The archive is not a valid distribution; the message says why, for a person.</summary>
public sealed class InvalidDistributionException(string message) : Exception(message);

public static class DistributionReader
{
    /// <summary>
    /// Reads the core metadata from a wheel ({name}-{version}.dist-info/METADATA, with a WHEEL file
    /// beside it) or an sdist (.tar.gz: one top-level directory holding PKG-INFO; legacy .zip likewise).
    /// The stream must be seekable (a temporary file). Throws InvalidDistributionException.
    /// </summary>
    public static DistributionContents Read(Stream archive, DistributionFilename filename, ArchiveLimits limits)
        => throw new NotImplementedException();
}
