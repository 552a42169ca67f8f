using Cheeseshop.Data.Postgres;
using Cheeseshop.Data.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// Each provider's schema, migrated once per test run: a test server starts on a copy of it (a copied
/// SQLite file, or a PostgreSQL database created from it as a template), as a server restarted on an
/// existing index does. Applying every migration to an empty database, with the model diff EF runs
/// first, costs more processor time than the rest of a server's start. The end-to-end servers of real
/// pip and twine (<see cref="ProcessServerFixture"/>) and the published program still create their schema
/// from nothing at their first start, on both providers.
/// </summary>
public static class DatabaseTemplates
{
    private static readonly Lazy<Task<string>> SqliteTemplate = new(CreateSqliteAsync);
    private static readonly Lazy<Task<string>> PostgresTemplate = new(CreatePostgresTemplateAsync);

    /// <summary>Puts the migrated SQLite database into <paramref name="dataDir"/> as cheeseshop.db.</summary>
    public static async Task CopySqliteAsync(string dataDir)
    {
        var template = await SqliteTemplate.Value;
        Directory.CreateDirectory(dataDir);
        File.Copy(template, Path.Combine(dataDir, "cheeseshop.db"));
    }

    /// <summary>Creates a PostgreSQL database holding the migrated schema; returns its name and connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreatePostgresAsync() =>
        await TestPostgres.CreateDatabaseAsync(template: await PostgresTemplate.Value);

    private static async Task<string> CreateSqliteAsync()
    {
        var path = Path.Combine(TempPaths.NewDirectory("sqlite-template"), "cheeseshop.db");
        var connectionString = SqliteDb.ConnectionString(path);
        var options = new DbContextOptionsBuilder<SqliteDb>();
        SqliteDb.Configure(options, connectionString);
        // Only the migrations: what the server does after them at every start (write-ahead log mode) it does
        // on the copy.
        await using (var db = new SqliteDb(options.Options))
            await db.Database.MigrateAsync();
        // Closes the pooled connection, so the file is whole and no longer open when it is copied.
        SqliteConnection.ClearAllPools();
        return path;
    }

    private static async Task<string> CreatePostgresTemplateAsync()
    {
        var (name, connectionString) = await TestPostgres.CreateDatabaseAsync(prefix: "cs_template_");
        var options = new DbContextOptionsBuilder<PostgresDb>();
        PostgresDb.Configure(options, new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await using (var db = new PostgresDb(options.Options))
            await db.Database.MigrateAsync();
        // A cluster of the test script goes with the run; one named by CHEESESHOP_TEST_PG keeps only what the tests
        // leave. A server gone by then leaves the template behind rather than failing the run's exit.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { TestPostgres.DropDatabaseAsync(name).GetAwaiter().GetResult(); }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException) { }
        };
        return name;
    }
}
