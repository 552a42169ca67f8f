using Cheeseshop.Configuration;
using Cheeseshop.Core.Integrity;

namespace Cheeseshop.Storage;

/// <summary>The embedded default: files under DATA_DIR/files.</summary>
public sealed class LocalFileStore(DataDirectory dataDir) : IFileStore
{
    private readonly string _root = dataDir.FilesRoot;

    public Task PutAsync(string path, string tempFile, CancellationToken ct)
    {
        var target = Resolve(path);
        CreateParent(target);
        // Same file system as the temp folder (both under the data directory): rename(2) is atomic.
        File.Move(tempFile, target, overwrite: true);
        return Task.CompletedTask;
    }

    public async Task PutBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var target = Resolve(path);
        CreateParent(target);
        var temp = Path.Combine(dataDir.TempRoot, Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(temp, content.ToArray(), ct);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            // The caller knows nothing of this file: on any failure it is ours to remove.
            File.Delete(temp);
            throw;
        }
    }

    public Task<StoredFile?> OpenAsync(string path, CancellationToken ct)
    {
        var file = new FileInfo(Resolve(path));
        return Task.FromResult(file.Exists ? StoredFile.Local(file) : null);
    }

    public Task DeleteAsync(string path, CancellationToken ct)
    {
        // File.Delete ignores a missing file but not a missing folder (a wheel's .metadata of an sdist's path).
        try { File.Delete(Resolve(path)); }
        catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    /// <summary>Creates the folders below the files folder, never the files folder itself: when it is gone
    /// (a volume not mounted, a folder moved away), a file written into a new empty one would be lost to
    /// the real store, and every read would miss; failing makes the fault visible (readiness, uploads).</summary>
    private void CreateParent(string target)
    {
        if (!Directory.Exists(_root))
            throw new DirectoryNotFoundException($"The files folder {_root} does not exist.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>A walk of the folders, each one's entries sorted as their part of the path compares (a folder
    /// as its name and a "/"), so the files come in path order while only the folders on the way down are
    /// held, never the whole tree.</summary>
    public async IAsyncEnumerable<StoredEntry> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var root = new DirectoryInfo(_root);
        if (!root.Exists) yield break;
        var pending = new Stack<(FileSystemInfo Entry, string Relative)>();
        PushSorted(pending, root, "");
        while (pending.TryPop(out var next))
        {
            ct.ThrowIfCancellationRequested();
            if (next.Entry is DirectoryInfo folder)
            {
                PushSorted(pending, folder, next.Relative + "/");
                continue;
            }
            // A file may go between the listing and the look at its length (a removal that commits meanwhile).
            var file = (FileInfo)next.Entry;
            long length;
            DateTimeOffset modified;
            try
            {
                length = file.Length;
                modified = file.LastWriteTimeUtc;
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            yield return new StoredEntry(next.Relative, length, modified);
        }
        await Task.CompletedTask;
    }

    private static void PushSorted(Stack<(FileSystemInfo Entry, string Relative)> pending, DirectoryInfo folder, string prefix)
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = folder.EnumerateFileSystemInfos().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            // Removed since its parent was read: nothing under it to list.
            return;
        }
        entries.Sort((x, y) => StorePathOrder.Instance.Compare(SortKey(x), SortKey(y)));
        for (var i = entries.Count - 1; i >= 0; i--) pending.Push((entries[i], prefix + entries[i].Name));
    }

    private static string SortKey(FileSystemInfo entry) => entry is DirectoryInfo ? entry.Name + "/" : entry.Name;

    /// <summary>Refuses any path that would leave the files folder; paths come from our own database,
    /// but a URL is matched against them, so check anyway.</summary>
    private string Resolve(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Path '{path}' is outside the file store.");
        return full;
    }
}
