using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cheeseshop.Core.Backup;

namespace Cheeseshop.Backup;

/// <summary>
/// A backup is one tar file (PAX): first <c>backup.json</c> (the header: when it was taken, the date after
/// which it must be destroyed, which database), then <c>database/cheeseshop.db</c> (SQLite only),
/// <c>secrets/ip-hash.key</c> and <c>files/...</c> (every stored file under its store path), and last
/// <c>manifest.json</c>: the header again and every other member's size and SHA-256. The header comes
/// first so that `backup prune` reads a few hundred bytes of each file, not the whole of it.
/// </summary>
public static class BackupFormat
{
    public const string Version = "cheeseshop-backup/1";
    public const string HeaderName = "backup.json";
    public const string ManifestName = "manifest.json";
    public const string DatabaseName = "database/cheeseshop.db";
    public const string KeyName = "secrets/ip-hash.key";
    public const string FilesPrefix = "files/";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads the header, the first member, alone; null when the file is not a Cheeseshop backup.</summary>
    public static async Task<BackupHeader?> ReadHeaderAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            await using var tar = new TarReader(stream);
            var first = await tar.GetNextEntryAsync(copyData: false, ct);
            if (first is not { Name: HeaderName, DataStream: { } data }) return null;
            var header = await JsonSerializer.DeserializeAsync<BackupHeader>(data, Json, ct);
            return header is { Format: Version } ? header : null;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or EndOfStreamException or FormatException)
        {
            return null;
        }
    }
}

public sealed record BackupHeader(string Format, DateTimeOffset Created, DateTimeOffset DestroyAfter, string Database);

public sealed record BackupManifest(string Format, DateTimeOffset Created, DateTimeOffset DestroyAfter, string Database,
    IReadOnlyList<BackupMember> Members);

/// <summary>Reads through a stream while hashing what passes; seekable when the inner stream is, so the tar
/// writer can ask its length.</summary>
internal sealed class HashingStream(Stream inner) : Stream
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public string Sha256() => Convert.ToHexString(_sha.GetHashAndReset()).ToLowerInvariant();

    public override int Read(byte[] buffer, int offset, int count) => Counted(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Counted(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        return Counted(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private int Counted(ReadOnlySpan<byte> read)
    {
        _sha.AppendData(read);
        BytesRead += read.Length;
        return read.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            // Only "stay where you are": a jump would hash the wrong bytes.
            if (value != inner.Position) throw new NotSupportedException("A hashing stream reads straight through.");
        }
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Current && offset == 0 ? inner.Position : throw new NotSupportedException("A hashing stream reads straight through.");

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _sha.Dispose();
        }
        base.Dispose(disposing);
    }
}
