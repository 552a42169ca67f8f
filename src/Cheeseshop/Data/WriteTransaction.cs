using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data;

public static class WriteTransaction
{
    /// <summary>
    /// Starts a transaction for a change that writes journal rows. Journal ids are the serials mirrors
    /// follow, so they must become visible in id order: on PostgreSQL writers queue on one advisory lock
    /// (as warehouse does); SQLite's BEGIN IMMEDIATE already admits one writer at a time.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginWriteAsync(this CheeseshopDb db, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7249031)", ct);
        return tx;
    }
}
