using System.Data;
using Cheeseshop.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data.Sqlite;

/// <summary>
/// The embedded database: one file in the data directory, one writer at a time (the default BEGIN
/// IMMEDIATE admits one), readers beside it through the write-ahead log.
/// </summary>
public sealed class SqliteDb(DbContextOptions<SqliteDb> options) : CheeseshopDb(options)
{
    private static readonly SqliteSecureDelete SecureDelete = new();

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        // Writers wait for each other instead of failing with "database is locked".
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>ReadWrite, not the default ReadWriteCreate: a probe of a missing file must fail, not leave an
    /// empty database where the real one belongs.</summary>
    public override async Task ProbeAsync(CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(Database.GetConnectionString())
        {
            Pooling = false,
            Mode = SqliteOpenMode.ReadWrite,
            DefaultTimeout = 5,
        };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // Opening alone reads nothing; this reads the schema page.
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        await command.ExecuteScalarAsync(ct);
    }

    // The model is compiled (Data/CompiledModels, see its README): building it from OnModelCreating
    // would cost every process CPU at its first query (docs/performance.md). The design-time factory
    // passes compiledModel: false, so migrations are always made from the code.
    internal static void Configure(DbContextOptionsBuilder o, string connectionString, bool compiledModel = true)
    {
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("ef_migrations"))
         .UseSnakeCaseNamingConvention()
         .AddInterceptors(SecureDelete);
        if (compiledModel) o.UseModel(CompiledModels.Sqlite.SqliteDbModel.Instance);
    }

    /// <summary>
    /// Writers of this process queue for the file in order before BEGIN IMMEDIATE, instead of all asking
    /// SQLite at once: its busy handler retries by sleeping, favours no one, and gives up after the busy
    /// timeout, so a burst of uploads longer than that would fail with "database is locked" although
    /// each waited its turn. The busy timeout is then left for writers of other processes (the CLI).
    /// </summary>
    public override async Task<IDbContextTransaction> BeginWriteAsync(WriteLock writeLock, CancellationToken ct)
    {
        var queue = WriterQueues.GetOrAdd(Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await queue.WaitAsync(ct);
        try
        {
            return new QueuedTransaction(await Database.BeginTransactionAsync(ct), queue);
        }
        catch
        {
            queue.Release();
            throw;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> WriterQueues = new();

    /// <summary>A write transaction already excludes every other writer.</summary>
    protected override Task LockAsync(WriteLock writeLock, CancellationToken ct) => Task.CompletedTask;

    /// <summary>A deferred transaction: the write-ahead log gives it a snapshot at its first read, and
    /// unlike the default BEGIN IMMEDIATE it does not stop writers.</summary>
    public override Task<IDbContextTransaction> BeginSnapshotAsync(CancellationToken ct) =>
        Database.BeginTransactionAsync(IsolationLevel.ReadUncommitted, ct);

    public override Task BulkInsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct) => SqliteBulkInsert.InsertAsync(this, rows, ct);

    public override Task InsertDownloadEventsAsync(IReadOnlyList<DownloadEventRecord> rows, CancellationToken ct) =>
        SqliteDownloadEventInsert.InsertAsync(this, rows, ct);

    /// <summary>WAL lets readers run while one writer writes. The setting is stored in the file.</summary>
    internal override async Task AfterMigrateAsync(CancellationToken ct) =>
        await Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

    /// <summary>VACUUM INTO reads one snapshot (a read transaction: writers go on in WAL mode) and writes a
    /// compact copy, free pages and all erased values left behind.</summary>
    public override async Task<bool> SnapshotToAsync(string path, CancellationToken ct)
    {
        await Database.ExecuteSqlAsync($"VACUUM INTO {path}", ct);
        return true;
    }

    /// <summary>secure_delete (see <see cref="SqliteSecureDelete"/>) zeroes freed space in the database
    /// file; erased values also sit in the write-ahead log until it is checkpointed and truncated.</summary>
    public override Task PurgeErasedAsync(ILogger log, CancellationToken ct) => SqliteCheckpoint.TruncateAsync(this, log, ct);

    /// <summary>SQLite's default page cache (2 MB) thrashes on the aggregate indexes of a large database:
    /// a larger one for this connection, held open meanwhile, and the default again after.</summary>
    public override async Task<IAsyncDisposable> WithLargeCacheAsync(CancellationToken ct)
    {
        await Database.OpenConnectionAsync(ct);
        await Database.ExecuteSqlRawAsync("PRAGMA cache_size = -131072", ct);
        return new DefaultCache(this);
    }

    /// <summary>FTS5 (table search_fts, kept by triggers on search_documents: see the Search and SearchClassifierTerms
    /// migrations). Each word or phrase is a quoted FTS5 string, and strings side by side must all match; each
    /// classifier term must be in classifier_terms, so FTS5 intersects the lists. The words carry no column filter:
    /// a filter makes FTS5 read every match's positions (twice the work for a common word), and a word can only
    /// meet a classifier term by being one ('c' and a key's hex), which finds that classifier's projects. bm25 scores
    /// lower for better matches, so the score is its negation; the weights favour the name, then summary and
    /// keywords, and give the classifier terms none.</summary>
    protected override SearchSql SearchSource(IReadOnlyList<IReadOnlyList<string>> words, IReadOnlyList<string> classifierTerms)
    {
        var match = string.Join(' ', words.Select(phrase => "\"" + string.Join(' ', phrase) + "\"")) +
                    string.Concat(classifierTerms.Select(t => " AND classifier_terms : \"" + t + "\""));
        return new(
            "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH @match)",
            "search_fts JOIN search_documents d ON d.id = search_fts.rowid",
            "search_fts MATCH @match",
            "-bm25(search_fts, 10.0, 5.0, 5.0, 1.0, 0.0)",
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH @match LIMIT {limit}) m",
            [("@match", match)])
        {
            Probe = "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH @match AND search_fts.rowid = d.id)",
        };
    }

    /// <summary>SQLite's planner sorts every match unless told to walk the index (and probe the matches, which it
    /// gathers once).</summary>
    protected override string WalkIndex(bool newest) =>
        newest ? "INDEXED BY ix_search_documents_created_name" : "INDEXED BY ix_search_documents_normalized_name";

    private sealed class DefaultCache(SqliteDb db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -2000", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
