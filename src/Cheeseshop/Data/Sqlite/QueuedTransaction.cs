using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data.Sqlite;

/// <summary>A write transaction that gives this process's writer queue to the next writer when it ends,
/// however it ends (commit, rollback, or disposal after an exception).</summary>
internal sealed class QueuedTransaction(IDbContextTransaction inner, SemaphoreSlim queue) : IDbContextTransaction
{
    private int _released;

    public Guid TransactionId => inner.TransactionId;

    public void Commit() => inner.Commit();
    public Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);
    public void Rollback() => inner.Rollback();
    public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

    public void Dispose()
    {
        try
        {
            inner.Dispose();
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync();
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) queue.Release();
    }
}
