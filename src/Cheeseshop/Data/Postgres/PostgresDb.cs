using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Cheeseshop.Data.Postgres;

/// <summary>
/// The shared database of a site with several nodes. Transactions run side by side, so writers that
/// must take turns queue on advisory locks (as warehouse does).
/// </summary>
public sealed class PostgresDb(DbContextOptions<PostgresDb> options) : CheeseshopDb(options)
{
    public override async Task ProbeAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.GetConnectionString()) { Pooling = false, Timeout = 5, CommandTimeout = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>The "C" collation compares the bytes; the database's own may follow a language's rules.</summary>
    protected override string BytewiseCollation => " COLLATE \"C\"";

    // The model is compiled (Data/CompiledModels, see its README); the design-time factory passes
    // compiledModel: false, so migrations are always made from the code.
    internal static void Configure(DbContextOptionsBuilder o, string connectionString, bool compiledModel = true)
    {
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("ef_migrations"))
         .UseSnakeCaseNamingConvention();
        if (compiledModel) o.UseModel(CompiledModels.Postgres.PostgresDbModel.Instance);
    }

    /// <summary>The advisory lock key of each kind of writer; the numbers are arbitrary but fixed, since
    /// nodes of different versions must agree on them.</summary>
    private static long AdvisoryLock(WriteLock writeLock) => writeLock switch
    {
        WriteLock.Journal => 7249031,
        WriteLock.DownloadRollup => 7249032,
        _ => throw new ArgumentOutOfRangeException(nameof(writeLock)),
    };

    protected override Task LockAsync(WriteLock writeLock, CancellationToken ct) =>
        Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLock(writeLock)})", ct);

    public override Task<IDbContextTransaction> BeginSnapshotAsync(CancellationToken ct) =>
        Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    public override Task BulkInsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct) => PostgresCopy.InsertAsync(this, rows, ct);

    /// <summary>Matching by search_vector (every field and the classifier terms, GIN-indexed: SearchClassifierVector
    /// migration), ranking by rank_vector (name, summary and keywords): both generated columns. A project whose words
    /// sit only in its description scores 0, and ranking never reads the long description vectors. Words are joined
    /// with &amp; and a phrase's words with &lt;-&gt;; each is a quoted lexeme, and holds only letters and digits, as
    /// do the classifier terms, which are ANDed to the words in the one query so the index intersects them.</summary>
    protected override SearchSql SearchSource(IReadOnlyList<IReadOnlyList<string>> words, IReadOnlyList<string> classifierTerms)
    {
        var match = string.Join(" & ", words.Select(phrase => "(" + string.Join(" <-> ", phrase.Select(w => "'" + w + "'")) + ")"));
        var filter = string.Join(" & ", classifierTerms.Select(t => "'" + t + "'").Prepend(match));
        List<(string, object)> parameters = [("@match", match), ("@filter", filter)];
        const string matches = "d.search_vector @@ to_tsquery('english', @filter)";
        return new(
            matches,
            "search_documents d CROSS JOIN to_tsquery('english', @match) q",
            matches,
            "ts_rank(d.rank_vector, q)",
            $"SELECT count(*) FROM (SELECT 1 FROM search_documents d WHERE {matches} LIMIT {{limit}}) m",
            parameters);
    }

    protected override string OrdinalName => "d.normalized_name COLLATE \"C\"";
}
