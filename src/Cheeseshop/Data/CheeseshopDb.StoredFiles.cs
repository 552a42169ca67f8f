using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Data;

/// <summary>A file a row names: an uploaded file, or one the upstream proxy stored (<see cref="Blake2b256"/> null,
/// since the upstream's page gives its SHA-256 only). <see cref="Label"/> says whose it is, for a person.</summary>
public sealed class StoredFileRow
{
    public required string Path { get; init; }
    public long Size { get; init; }
    public required string Sha256 { get; init; }
    public string? Blake2b256 { get; init; }
    public string? MetadataSha256 { get; init; }
    public required string Label { get; init; }
}

public abstract partial class CheeseshopDb
{
    /// <summary>
    /// Every file row, uploaded and proxied, in the order of their paths' UTF-8 bytes (the order a store
    /// listing is merged with), streamed: the caller holds one row at a time. One query, so the database
    /// sorts once (spilling to disk as it needs), where pages after a last path would each sort the table
    /// again (paths carry no index). Columns are named as the model's convention names the row's properties.
    /// </summary>
    // The one piece added to the text is the provider's constant collation clause; no input reaches the SQL.
#pragma warning disable EF1003
    public IAsyncEnumerable<StoredFileRow> StoredFilesInPathOrder() =>
        Database.SqlQueryRaw<StoredFileRow>(
            """
            SELECT * FROM (
            SELECT f.path, f.size, f.sha256, f.blake2b256, f.metadata_sha256, p.name || ' ' || r.version || ' ' || f.filename AS label
            FROM release_files f JOIN releases r ON r.id = f.release_id JOIN projects p ON p.id = r.project_id
            UNION ALL
            SELECT x.path, x.size, x.sha256, NULL, x.metadata_sha256, 'upstream ' || x.filename FROM proxied_files x
            ) AS u ORDER BY u.path
            """ + BytewiseCollation).AsAsyncEnumerable();
#pragma warning restore EF1003

    /// <summary>Whether a row names <paramref name="path"/>, itself or as the ".metadata" sibling of its file, looked up
    /// by its file name (an indexed column).</summary>
    public async Task<bool> RowNamesAsync(string path, CancellationToken ct)
    {
        const string sibling = ".metadata";
        if (path.EndsWith(sibling, StringComparison.Ordinal) && await RowNamesAsync(path[..^sibling.Length], ct)) return true;
        var filename = path[(path.LastIndexOf('/') + 1)..];
        return await Files.AsNoTracking().AnyAsync(f => f.Filename == filename && f.Path == path, ct)
            || await ProxiedFiles.AsNoTracking().AnyAsync(f => f.Filename == filename && f.Path == path, ct);
    }

    /// <summary>What makes ORDER BY compare text as UTF-8 bytes; SQLite's default BINARY collation does.</summary>
    protected virtual string BytewiseCollation => "";
}
