using Microsoft.Data.Sqlite;
using System.Data.Common;
using System.Text.Json;
using Cheeseshop.Data;
using Cheeseshop.Data.Postgres;
using Cheeseshop.Data.Sqlite;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// The test server's own database, read with the server's own EF model (built from its data folder or
/// its PostgreSQL database): what the tests assert events, journal rows and erasure against.
/// </summary>
public static class ServerDatabase
{
    public static CheeseshopDb Open(CheeseshopServer server)
    {
        if (server.Database == Database.Postgres)
        {
            var cs = new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false };
            var b = new DbContextOptionsBuilder<PostgresDb>();
            PostgresDb.Configure(b, cs.ConnectionString);
            return new PostgresDb(b.Options);
        }
        var o = new DbContextOptionsBuilder<SqliteDb>();
        SqliteDb.Configure(o, SqliteDb.ConnectionString(Path.Combine(server.DataDir, "cheeseshop.db")));
        return new SqliteDb(o.Options);
    }

    public static async Task<User?> UserAsync(CheeseshopServer server, string username)
    {
        await using var db = Open(server);
        var normalized = username.ToLowerInvariant();
        return await db.Users.AsNoTracking().Include(u => u.Emails).FirstOrDefaultAsync(u => u.NormalizedUsername == normalized);
    }

    /// <summary>The account's events, oldest first, with their additional JSON parsed.</summary>
    public static async Task<List<(string Tag, JsonElement Additional, long? IpAddressId)>> UserEventsAsync(CheeseshopServer server, Guid userId)
    {
        await using var db = Open(server);
        var rows = await db.UserEvents.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id).ToListAsync();
        return rows.Select(r => (r.Tag, JsonDocument.Parse(r.AdditionalJson).RootElement.Clone(), r.IpAddressId)).ToList();
    }

    public static async Task<List<ProjectEvent>> ProjectEventsAsync(CheeseshopServer server, string normalizedProject)
    {
        await using var db = Open(server);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.NormalizedName == normalizedProject);
        return await db.ProjectEvents.AsNoTracking().Where(e => e.ProjectId == project.Id).OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>The project's journal as (action, submitter's username), oldest first.</summary>
    public static async Task<List<(string Action, string? SubmittedBy)>> JournalAsync(CheeseshopServer server, string projectName)
    {
        await using var db = Open(server);
        return (await (from j in db.Journals.AsNoTracking()
                       where j.Name == projectName
                       join u in db.Users on j.SubmittedById equals (Guid?)u.Id into submitters
                       from u in submitters.DefaultIfEmpty()
                       orderby j.Id
                       select new { j.Action, Username = u == null ? null : u.Username }).ToListAsync())
            .Select(x => (x.Action, (string?)x.Username)).ToList();
    }

    /// <summary>Every table and text cell that holds <paramref name="needle"/>, except ip_addresses (whose job it is).</summary>
    public static async Task<List<string>> TablesHoldingAsync(CheeseshopServer server, string needle)
    {
        await using var db = Open(server);
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = server.Database == Database.Postgres
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var found = new List<string>();
        foreach (var table in tables.Where(t => t != "ip_addresses"))
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    var value = reader.GetValue(i);
                    var text = value is byte[] bytes ? System.Text.Encoding.Latin1.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (text is not null && text.Contains(needle, StringComparison.Ordinal))
                        found.Add($"{table}.{reader.GetName(i)}");
                }
            }
        }
        return found.Distinct().ToList();
    }

    public static async Task<bool> IpAddressStoredAsync(CheeseshopServer server, string address)
    {
        await using var db = Open(server);
        return await db.IpAddresses.AnyAsync(i => i.Address == address);
    }

    // Raw access: SQL counts, and the bytes a forensic look at the database would see.

    public static DbConnection OpenConnection(CheeseshopServer server)
    {
        DbConnection connection = server.Database == Database.Postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }

    public static async Task<long> CountAsync(CheeseshopServer server, string sql)
    {
        await using var connection = OpenConnection(server);
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
