using System.Text.Json;
using Cheeseshop.Data;

namespace Cheeseshop.Integrity;

/// <summary>
/// The stored files the merge found in place, with their rows, kept on disk until their content is hashed:
/// hashing every file takes far longer than the merge, and the database query the merge reads stays open
/// only as long as the merge (an open read would hold SQLite's log from being checkpointed, and PostgreSQL's
/// old row versions from being cleaned, for the whole check). One line a file, in the temporary folder.
/// </summary>
internal sealed class PresentFiles : IAsyncDisposable
{
    internal sealed record Entry(string Path, bool Metadata, StoredFileRow Row);

    private readonly FileStream _file;
    private readonly StreamWriter _writer;

    /// <summary>Read back through the same handle and deleted when it closes: a server starting meanwhile
    /// empties the temporary folder, which unlinks the name but leaves the handle working.</summary>
    public PresentFiles(string tempRoot)
    {
        _file = new FileStream(Path.Combine(tempRoot, $"fsck-{Guid.NewGuid():N}.jsonl"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _writer = new StreamWriter(_file, leaveOpen: true);
    }

    public Task AddAsync(string path, bool metadata, StoredFileRow row) =>
        _writer.WriteLineAsync(JsonSerializer.Serialize(new Entry(path, metadata, row)));

    /// <summary>Everything added, in the order it was added; no more may be added.</summary>
    public async IAsyncEnumerable<Entry> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await _writer.FlushAsync(ct);
        _file.Position = 0;
        using var reader = new StreamReader(_file, leaveOpen: true);
        while (await reader.ReadLineAsync(ct) is { } line)
            yield return JsonSerializer.Deserialize<Entry>(line)!;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _file.DisposeAsync();
    }
}
