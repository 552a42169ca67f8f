namespace Cheeseshop.Storage;

/// <summary>Where distribution files live. Paths are relative, in PyPI's blake2b layout.</summary>
public interface IFileStore
{
    /// <summary>Moves a finished temporary file into place, consuming it. Atomic: readers see the whole file
    /// or none. An existing file at the path (an earlier attempt that crashed before its database commit) is
    /// replaced. On failure nothing is left at the path and the temporary file stays for its owner to delete.</summary>
    Task PutAsync(string path, string tempFile, CancellationToken ct);

    /// <summary>Writes small content (a .metadata file) atomically.</summary>
    Task PutBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>What is stored at a path, or null if nothing is.</summary>
    Task<StoredFile?> OpenAsync(string path, CancellationToken ct);

    /// <summary>Removes the file at a path; nothing there is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken ct);

    /// <summary>Every stored file, in the order of the paths' UTF-8 bytes (<see cref="Core.Integrity.StorePathOrder"/>,
    /// the order S3 lists keys in), streamed: what the integrity check merges with the rows, which come in the same
    /// order. Paths are in the same form <see cref="PutAsync"/> takes.</summary>
    IAsyncEnumerable<StoredEntry> ListAsync(CancellationToken ct);
}

/// <summary>One stored file as a listing names it: its path, its length and when it was last written.</summary>
public sealed record StoredEntry(string Path, long Length, DateTimeOffset LastModified);

/// <summary>
/// A stored file as the file endpoint serves it. A local file is handed to the server by name, so the
/// kernel can send it (sendfile) without copying it through managed memory; anything else is read
/// through <see cref="OpenRead"/>, a seekable stream, so the server's own Range and HEAD handling applies
/// to both alike.
/// </summary>
public sealed class StoredFile
{
    private readonly Func<Stream>? _open;

    private StoredFile(long length, DateTimeOffset lastModified, string? localPath, Func<Stream>? open)
    {
        Length = length;
        LastModified = lastModified;
        LocalPath = localPath;
        _open = open;
    }

    public static StoredFile Local(FileInfo file) =>
        new(file.Length, file.LastWriteTimeUtc, file.FullName, null);

    public static StoredFile Remote(long length, DateTimeOffset lastModified, Func<Stream> open) =>
        new(length, lastModified, null, open);

    public long Length { get; }
    public DateTimeOffset LastModified { get; }

    /// <summary>The file's full path when it is on this machine's file system; null otherwise.</summary>
    public string? LocalPath { get; }

    /// <summary>A seekable stream over the content; nothing is fetched until the first read.</summary>
    public Stream OpenRead() => _open is not null ? _open() : File.OpenRead(LocalPath!);
}
