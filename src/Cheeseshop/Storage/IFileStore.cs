namespace Cheeseshop.Storage;

/// <summary>Where distribution files live. Paths are relative, in PyPI's blake2b layout.</summary>
public interface IFileStore
{
    /// <summary>Moves a finished temporary file into place. Atomic: readers see the whole file or none.
    /// An existing file at the path (an earlier attempt that crashed before its database commit) is replaced.</summary>
    Task PutAsync(string path, string tempFile, CancellationToken ct);

    /// <summary>Writes small content (a .metadata file) atomically.</summary>
    Task PutBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>The local file for a path, or null if absent. (Object stores will redirect instead.)</summary>
    FileInfo? Open(string path);

    Task DeleteAsync(string path, CancellationToken ct);
}
