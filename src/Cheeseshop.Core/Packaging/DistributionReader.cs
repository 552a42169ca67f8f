using System.Text;

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
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(filename);
        ArgumentNullException.ThrowIfNull(limits);
        if (!archive.CanRead || !archive.CanSeek)
            throw new ArgumentException("The archive stream must be readable and seekable.", nameof(archive));

        var name = MessageText.Quote(filename.Filename);
        if (archive.Length == 0)
            throw new InvalidDistributionException($"Invalid distribution file {name}: the file is empty.");
        archive.Position = 0;

        return (filename.Kind, filename.Extension) switch
        {
            (DistributionKind.Wheel, ".whl") => ZipDistribution.ReadWheel(archive, filename, limits, name),
            (DistributionKind.Sdist, ".zip") => ZipDistribution.ReadSdist(archive, limits, name),
            (DistributionKind.Sdist, ".tar.gz") => TarGzDistribution.ReadSdist(archive, limits, name),
            _ => throw new InvalidDistributionException($"Invalid distribution file {name}: unsupported kind of distribution."),
        };
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static DistributionContents Contents(byte[] bytes, string path, string archive)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDistributionException($"Invalid distribution file {archive}: {MessageText.Quote(path)} is not valid UTF-8.");
        }
        return new DistributionContents(bytes, CoreMetadata.Parse(text), path);
    }

    /// <summary>Reads a whole metadata file, refusing to go past the limit whatever its header claimed.</summary>
    internal static byte[] ReadBounded(Stream source, long maxBytes, string path, string archive)
    {
        var result = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = source.Read(chunk)) > 0)
        {
            if (result.Length + n > maxBytes) throw TooLarge(path, archive, maxBytes);
            result.Write(chunk, 0, n);
        }
        return result.ToArray();
    }

    internal static InvalidDistributionException TooLarge(string path, string archive, long maxBytes) =>
        new($"Invalid distribution file {archive}: {MessageText.Quote(path)} is larger than {maxBytes} bytes.");

    internal static string Sniff(Stream stream)
    {
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        var n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return "gzip";
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 && head[3] is 4 or 6) return "zip";
        return "other";
    }
}
