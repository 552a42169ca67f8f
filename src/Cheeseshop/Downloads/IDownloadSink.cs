using Cheeseshop.Data;

namespace Cheeseshop.Downloads;

/// <summary>Where the writer puts a batch. One implementation writes to the database; tests wrap it to fail.</summary>
public interface IDownloadSink
{
    /// <summary>Writes the batch whole or not at all; throws on failure (the writer then retries it).</summary>
    Task WriteAsync(CheeseshopDb db, DownloadBatch batch, CancellationToken ct);
}

public sealed class DatabaseDownloadSink : IDownloadSink
{
    public async Task WriteAsync(CheeseshopDb db, DownloadBatch batch, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.InsertDownloadEventsAsync(batch.Files, ct);
        await db.BulkInsertAsync(batch.Simple, ct);
        await tx.CommitAsync(ct);
    }
}
