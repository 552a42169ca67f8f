using Cheeseshop.Data;

namespace Cheeseshop.Index;

/// <summary>
/// The one way to change the index (projects, releases, files, roles). A change runs in the journal's
/// write transaction; its journal rows are saved and each touched project stamped with its new serial;
/// it commits; and only then are the touched projects published to this node's caches (other nodes and
/// the CLI's server learn from the journal). A change that throws, or that its work discards, rolls back,
/// undoes what it registered for that case (a file already put in the store) and publishes nothing.
/// Writers take turns: journal ids are the serials mirrors follow, so they must become visible in order.
/// </summary>
public sealed class IndexWriter(CheeseshopDb db, TimeProvider clock, IndexChangeFeed feed, ILogger<IndexWriter> log)
{
    public Task ChangeAsync(Func<IndexChange, Task> work, CancellationToken ct) =>
        ChangeAsync<bool>(async change =>
        {
            await work(change);
            return true;
        }, ct);

    public async Task<T> ChangeAsync<T>(Func<IndexChange, Task<T>> work, CancellationToken ct)
    {
        var change = new IndexChange(db, clock);
        T result;
        IReadOnlyCollection<string> touched;
        try
        {
            await using var tx = await db.BeginWriteAsync(WriteLock.Journal, ct);
            result = await work(change);
            if (change.Discarded)
            {
                await tx.RollbackAsync(ct);
                await AbandonAsync(change);
                return result;
            }
            touched = await change.SaveAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            await AbandonAsync(change);
            throw;
        }
        feed.Publish(touched);
        await change.AfterCommitAsync(ct);
        return result;
    }

    /// <summary>After a rollback: nothing the change tracked may be saved later by the same context, and
    /// what the change put outside the database goes (its undo steps run once the transaction has ended,
    /// so they can read what is committed).</summary>
    private async Task AbandonAsync(IndexChange change)
    {
        db.ChangeTracker.Clear();
        await change.UndoAsync(log);
    }
}
