using System.Security.Cryptography;
using Npgsql;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use, named by the environment variable CHEESESHOP_TEST_PG
/// (an Npgsql connection string without a database, e.g. <c>Host=127.0.0.1;Port=54329;Username=postgres</c>).
/// ./scripts/test.sh starts a throwaway cluster and sets it. Each test server gets its own database.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "CHEESESHOP_TEST_PG";

    /// <summary>The admin connection string; throws (so the test fails, never skips) when it is not set.</summary>
    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set, so the PostgreSQL tests cannot run. Run the suite with ./scripts/test.sh, " +
                    $"which starts a throwaway PostgreSQL cluster, or set {EnvironmentVariable} to an Npgsql connection string " +
                    "for a server where this user may create databases, e.g. Host=127.0.0.1;Port=54329;Username=postgres");
            return value;
        }
    }

    /// <summary>Creates a database named PREFIX&lt;random&gt;, empty or a copy of <paramref name="template"/>, and
    /// returns its name and connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string? template = null, string prefix = "cs_")
    {
        var name = prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var conn = new NpgsqlConnection(admin.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(template is null
                ? $"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"
                : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Could not create a test database on the PostgreSQL server named by {EnvironmentVariable} " +
                $"({Redact(admin)}): {ex.Message}", ex);
        }
        var db = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
        return (name, db.ConnectionString);
    }

    public static async Task DropDatabaseAsync(string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        // WITH (FORCE) ends connections the killed server may have left behind (PostgreSQL 13+).
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Redact(NpgsqlConnectionStringBuilder b)
    {
        var copy = new NpgsqlConnectionStringBuilder(b.ConnectionString);
        if (!string.IsNullOrEmpty(copy.Password)) copy.Password = "***";
        return copy.ConnectionString;
    }
}
