using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data;

/// <summary>What a write transaction serialises against: writers of the same kind take turns.</summary>
public enum WriteLock
{
    /// <summary>Changes to the index, which write journal rows: journal ids are the serials mirrors follow, so
    /// they must become visible in id order. Taken by Index/IndexWriter alone.</summary>
    Journal,
    /// <summary>The rebuild of a day of download aggregates, which several nodes may start at once.</summary>
    DownloadRollup,
}

/// <summary>
/// Everything the two databases do differently, as members each provider (Data/Sqlite, Data/Postgres)
/// implements, so that code outside Data/ never asks which database it is on. A member with a body
/// holds SQL both providers accept; a provider without that SQL overrides it. Another database is one
/// more folder: its context class deriving from this one, its migrations and compiled model, and a
/// branch in <see cref="DatabaseRegistration"/>.
/// </summary>
public abstract partial class CheeseshopDb
{
    /// <summary>Starts a transaction that no other writer holding the same lock runs beside, on any node.</summary>
    public virtual async Task<IDbContextTransaction> BeginWriteAsync(WriteLock writeLock, CancellationToken ct)
    {
        var tx = await Database.BeginTransactionAsync(ct);
        await LockAsync(writeLock, ct);
        return tx;
    }

    /// <summary>Takes the lock inside the transaction just begun; it is released when the transaction ends.</summary>
    protected abstract Task LockAsync(WriteLock writeLock, CancellationToken ct);

    /// <summary>
    /// A read-only transaction that sees one snapshot from its first read to its end, so that several
    /// queries agree with each other while the site keeps changing, without stopping writers.
    /// </summary>
    public abstract Task<IDbContextTransaction> BeginSnapshotAsync(CancellationToken ct);

    /// <summary>
    /// Inserts many rows of one entity without the change tracker (which costs more than the database
    /// at tens of thousands of rows a second). Generated keys are left to the database. Runs inside the
    /// caller's transaction when there is one; all rows or none either way.
    /// </summary>
    public abstract Task BulkInsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct) where T : class;

    /// <summary>Writes a consistent copy of the whole database into the new file <paramref name="path"/> while it
    /// goes on serving, and returns true; false for a database server, which its own tools back up
    /// (PostgreSQL: pg_dump).</summary>
    public virtual Task<bool> SnapshotToAsync(string path, CancellationToken ct) => Task.FromResult(false);

    /// <summary>Inserts raw download events, the one table written for every download.</summary>
    public virtual Task InsertDownloadEventsAsync(IReadOnlyList<DownloadEventRecord> rows, CancellationToken ct) => BulkInsertAsync(rows, ct);

    /// <summary>
    /// Creates or refreshes the ip_addresses row of a client in one statement, safe under concurrency:
    /// a returning client refreshes last_seen and, if its address had been erased, the address is held
    /// again from now. Returns the row's id.
    /// </summary>
    public virtual async Task<long> UpsertIpAddressAsync(string hashedIp, string address, string? countryCode, DateTime now, CancellationToken ct)
    {
        var ids = await Database.SqlQueryRaw<long>(
            "INSERT INTO ip_addresses (hashed_ip, address, country_code, first_seen, last_seen, address_erased_at) VALUES ({0}, {1}, {2}, {3}, {3}, NULL) " +
            "ON CONFLICT (hashed_ip) DO UPDATE SET last_seen = excluded.last_seen, address = excluded.address, " +
            "country_code = COALESCE(excluded.country_code, ip_addresses.country_code), address_erased_at = NULL " +
            "RETURNING id AS \"Value\"", hashedIp, address, (object?)countryCode ?? DBNull.Value, now).ToListAsync(ct);
        return ids[0];
    }

    /// <summary>
    /// Opens a connection of its own, outside the pool, and reads from the database; throws when it cannot.
    /// A pooled connection opened earlier can go on working against a database that no new connection
    /// reaches any more (a SQLite file moved away keeps its open handles; a PostgreSQL database closed to
    /// new connections keeps its sessions), so only a new connection tells whether the next one will work.
    /// </summary>
    public abstract Task ProbeAsync(CancellationToken ct);

    /// <summary>Migrations the code knows and the database has not applied; reads the history table.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken ct)
    {
        var applied = await Database.GetAppliedMigrationsAsync(ct);
        return Database.GetMigrations().Except(applied).ToList();
    }

    /// <summary>Settings kept in the database itself, applied after every migration.</summary>
    internal virtual Task AfterMigrateAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Called after a committed erasure: makes erased values leave every file the database keeps, where
    /// deleting rows alone leaves copies behind. Warns on <paramref name="log"/> when it could not.
    /// </summary>
    public virtual Task PurgeErasedAsync(ILogger log, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Gives this context a larger page cache until the result is disposed, for a job that rebuilds
    /// large indexes; where the database sizes its cache itself, nothing changes.
    /// </summary>
    public virtual Task<IAsyncDisposable> WithLargeCacheAsync(CancellationToken ct) => Task.FromResult<IAsyncDisposable>(NothingToUndo.Instance);

    private sealed class NothingToUndo : IAsyncDisposable
    {
        public static readonly NothingToUndo Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
