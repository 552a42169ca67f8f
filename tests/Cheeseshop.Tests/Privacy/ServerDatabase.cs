using System.Data.Common;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cheeseshop.Tests.Privacy;

/// <summary>Direct access to a test server's database: SQL for assertions, and the raw bytes a
/// forensic look would see (SQLite's files including -wal; PostgreSQL's full pg_dump).</summary>
public static class ServerDatabase
{
    public static DbConnection Open(CheeseshopServer server)
    {
        DbConnection connection = server.Database == Database.Postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }

    public static async Task<long> CountAsync(CheeseshopServer server, string sql)
    {
        await using var connection = Open(server);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Everything the database holds, as bytes: for SQLite every file of the database
    /// (free pages and the write-ahead log included); for PostgreSQL a full dump.</summary>
    public static async Task<byte[]> RawAsync(CheeseshopServer server)
    {
        if (server.Database == Database.Sqlite)
        {
            using var all = new MemoryStream();
            foreach (var file in Directory.EnumerateFiles(server.DataDir, "cheeseshop.db*"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await stream.CopyToAsync(all);
            }
            return all.ToArray();
        }
        var b = new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString);
        var pgDump = File.Exists("/usr/bin/pg_dump") ? "/usr/bin/pg_dump" : "pg_dump";
        var result = await ProcessRunner.RunAsync(pgDump,
            ["-h", b.Host!, "-p", b.Port.ToString(), "-U", b.Username ?? "postgres", "--no-owner", server.PostgresDatabase!],
            new Dictionary<string, string?> { ["PGPASSWORD"] = b.Password });
        if (!result.Succeeded) throw new InvalidOperationException("pg_dump failed:\n" + result);
        return System.Text.Encoding.UTF8.GetBytes(result.Stdout);
    }

    public static bool Contains(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}
