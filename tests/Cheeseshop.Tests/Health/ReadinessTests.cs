using System.Net;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cheeseshop.Tests.Health;

/// <summary>
/// /health/ready against real failures: the database made unreachable (SQLite: its file moved away;
/// PostgreSQL: the database closed to connections and its sessions ended), the files folder moved away,
/// a migration missing from the history; 503 while broken, 200 once repaired. Each test breaks a server
/// of its own.
/// </summary>
[LongRunning]
public sealed class ReadinessTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private static readonly string[] Checks = ["database", "storage", "downloads"];

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Readiness_fails_while_the_database_is_unreachable_and_recovers(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        using (var live = await server.Http.GetAsync("health/live"))
        {
            AssertEqual(HttpStatusCode.OK, live.StatusCode, "/health/live");
            using var json = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
            AssertEqual("Healthy", json.RootElement.GetProperty("status").GetString(), "/health/live status");
        }
        AssertEqual("ok", await server.Http.GetStringAsync("health"), "/health");
        var healthy = await ReadyAsync(server, HttpStatusCode.OK);
        foreach (var check in Checks)
        {
            AssertEqual("Healthy", healthy.Checks[check].Status, $"{check} at start");
            Assert.True(healthy.Checks[check].DurationMs >= 0, $"{check} has a duration");
        }

        await using (await BreakDatabaseAsync(server))
        {
            var broken = await ReadyAsync(server, HttpStatusCode.ServiceUnavailable);
            AssertEqual("Unhealthy", broken.Status, "overall status");
            AssertEqual("Unhealthy", broken.Checks["database"].Status, "database while unreachable");
            AssertEqual("Healthy", broken.Checks["storage"].Status, "storage while the database is unreachable");
            AssertEqual(HttpStatusCode.OK, (await server.Http.GetAsync("health/live")).StatusCode, "/health/live while the database is unreachable");

            var doctor = Logged(await server.RunCliAsync("doctor"));
            AssertEqual(1, doctor.ExitCode, "doctor's exit code while the database is unreachable");
            Assert.Matches(@"(?m)^FAIL\s+database\s+.*-> make the database reachable", doctor.Stdout);
        }
        var back = await ReadyAsync(server, HttpStatusCode.OK);
        AssertEqual("Healthy", back.Checks["database"].Status, "database once reachable again");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Readiness_fails_while_the_files_folder_is_gone_and_recovers(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        await ReadyAsync(server, HttpStatusCode.OK);
        var files = Path.Combine(server.DataDir, "files");
        var away = files + ".away";
        Directory.Move(files, away);
        try
        {
            var broken = await ReadyAsync(server, HttpStatusCode.ServiceUnavailable);
            AssertEqual("Unhealthy", broken.Checks["storage"].Status, "storage without its folder");
            AssertEqual("Healthy", broken.Checks["database"].Status, "database while the files folder is gone");
            Assert.False(Directory.Exists(files), "the probe must not recreate a missing files folder");
        }
        finally
        {
            Directory.Move(away, files);
        }
        var back = await ReadyAsync(server, HttpStatusCode.OK);
        AssertEqual("Healthy", back.Checks["storage"].Status, "storage once its folder is back");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(files, ".health")));
    }

    /// <summary>The S3 server stopped (SIGSTOP: it holds its connections and answers nothing, as a hung
    /// server does), then continued.</summary>
    [Fact]
    public async Task Readiness_fails_while_the_S3_server_does_not_answer_and_recovers()
    {
        await using var s3 = await TestS3rver.StartAsync();
        await using var server = await CheeseshopServer.StartAsync(Database.Postgres, settings: s3.Settings("ready/"));
        Watch(server);
        var healthy = await ReadyAsync(server, HttpStatusCode.OK);
        AssertEqual("Healthy", healthy.Checks["storage"].Status, "storage on S3");
        s3.Pause();
        try
        {
            var broken = await ReadyAsync(server, HttpStatusCode.ServiceUnavailable);
            AssertEqual("Unhealthy", broken.Checks["storage"].Status, "storage while the S3 server does not answer");
            AssertEqual("Healthy", broken.Checks["database"].Status, "database while the S3 server does not answer");
        }
        finally
        {
            s3.Resume();
        }
        await ReadyAsync(server, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Readiness_fails_while_a_migration_is_not_applied(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        await ReadyAsync(server, HttpStatusCode.OK);
        var id = (string)(await MigrationHistoryAsync(server, "SELECT migration_id FROM ef_migrations ORDER BY migration_id DESC LIMIT 1"))!;
        var version = (string)(await MigrationHistoryAsync(server, $"SELECT product_version FROM ef_migrations WHERE migration_id = '{id}'"))!;
        await MigrationHistoryAsync(server, $"DELETE FROM ef_migrations WHERE migration_id = '{id}'");
        Log($"removed migration {id} from the history");
        try
        {
            var broken = await ReadyAsync(server, HttpStatusCode.ServiceUnavailable);
            var description = broken.Checks["database"].Description ?? "";
            Assert.Contains("not applied", description);
            Assert.Contains(id, description);
            var doctor = Logged(await server.RunCliAsync("doctor"));
            AssertEqual(1, doctor.ExitCode, "doctor's exit code with a migration not applied");
            Assert.Matches(@"(?m)^FAIL\s+database\s+.*not applied.*-> run `cheeseshop migrate`", doctor.Stdout);
        }
        finally
        {
            await MigrationHistoryAsync(server, $"INSERT INTO ef_migrations (migration_id, product_version) VALUES ('{id}', '{version}')");
        }
        await ReadyAsync(server, HttpStatusCode.OK);
    }

    /// <summary>
    /// The download writer stuck on a batch it cannot write: its database writes blocked by a lock the test
    /// holds (SQLite: a write transaction on the file; PostgreSQL: the event tables locked ACCESS EXCLUSIVE).
    /// Stuck means past the flush interval plus a minute, so the server's clock is moved on rather than the
    /// test waiting a minute; the writer, held by the lock alone, writes the batch once it is released.
    /// </summary>
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Readiness_fails_while_the_download_writer_is_stuck_and_recovers(Database database)
    {
        var clock = new Cheeseshop.Tests.Downloads.ShiftedClock();
        await using var server = await CheeseshopServer.StartAsync(database, clock: clock);
        Watch(server);
        var token = await SharedTokenAsync(server);
        using (var upload = await Cheeseshop.Tests.Api.TestDistributions.UploadWheelAsync(server, token, "stuck-writer", "1.0"))
            AssertEqual(HttpStatusCode.OK, upload.StatusCode, "upload");
        var path = await server.WithDbAsync(db => db.Files.Select(f => f.Path).SingleAsync());
        await ReadyAsync(server, HttpStatusCode.OK);
        var writer = server.AppServices.GetRequiredService<Cheeseshop.Downloads.DownloadWriter>();

        await using (await HoldDownloadWritesAsync(server))
        {
            using (var request = new HttpRequestMessage(HttpMethod.Get, $"packages/{path}"))
            {
                request.Headers.TryAddWithoutValidation("User-Agent", "cheese-fetcher/1.0");
                using var download = await server.Http.SendAsync(request);
                AssertEqual(HttpStatusCode.OK, download.StatusCode, "the download whose event the writer cannot write");
            }
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(writer.BatchTakenAt is { } taken && clock.GetUtcNow() - taken > TimeSpan.FromSeconds(2)))
            {
                if (DateTime.UtcNow > deadline) Fail($"The writer took no batch it could not write within 20 s (taken: {writer.BatchTakenAt}).");
                await Task.Delay(50);
            }
            var healthy = await ReadyAsync(server, HttpStatusCode.OK);
            AssertEqual("Healthy", healthy.Checks["downloads"].Status, "downloads while its batch is late by less than the grace");

            clock.Offset = Cheeseshop.Core.Health.HealthRules.WriterGrace + TimeSpan.FromSeconds(30);
            var stuck = await ReadyAsync(server, HttpStatusCode.ServiceUnavailable);
            AssertEqual("Unhealthy", stuck.Checks["downloads"].Status, "downloads while the writer is stuck");
            Assert.Matches(@"^a batch of download events taken \d+ s ago is not written; \d+ event\(s\) wait$", stuck.Checks["downloads"].Description ?? "");
            AssertEqual("Healthy", stuck.Checks["database"].Status, "database while only the event tables are locked");
            AssertEqual("Healthy", stuck.Checks["storage"].Status, "storage while the writer is stuck");
        }
        var back = await ReadyAsync(server, HttpStatusCode.OK);
        AssertEqual("Healthy", back.Checks["downloads"].Status, "downloads once the lock is released");
        AssertEqual(1, await server.WithDbAsync(db => db.DownloadEvents.CountAsync()), "the stuck batch's event, written once released");
    }

    /// <summary>Blocks the download writer's inserts until disposed; reads go on.</summary>
    private async Task<IAsyncDisposable> HoldDownloadWritesAsync(CheeseshopServer server)
    {
        System.Data.Common.DbConnection connection = server.Database == Database.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false }.ToString())
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = server.Database == Database.Sqlite
                ? "BEGIN IMMEDIATE"
                : "BEGIN; LOCK TABLE download_events, simple_requests IN ACCESS EXCLUSIVE MODE";
            await command.ExecuteNonQueryAsync();
        }
        Log(server.Database == Database.Sqlite ? "holding a write transaction on cheeseshop.db" : "holding download_events and simple_requests locked");
        return new AsyncUndo(async () =>
        {
            await using (connection)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "ROLLBACK";
                await command.ExecuteNonQueryAsync();
            }
            Log("released the lock");
        });
    }

    private sealed class AsyncUndo(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }

    /// <summary>Runs one statement on the server's database through a connection of the test's own; the first
    /// column of the first row, if any. The history holds migration ids and EF versions: no quoting needed.</summary>
    private static async Task<object?> MigrationHistoryAsync(CheeseshopServer server, string sql)
    {
        System.Data.Common.DbConnection connection = server.Database == Database.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false }.ToString())
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
    }

    /// <summary>Makes new connections to the server's database fail until disposed.</summary>
    private async Task<IAsyncDisposable> BreakDatabaseAsync(CheeseshopServer server)
    {
        if (server.Database == Database.Sqlite)
        {
            var file = Path.Combine(server.DataDir, "cheeseshop.db");
            File.Move(file, file + ".away");
            Log("moved cheeseshop.db away");
            return new Undo(() => File.Move(file + ".away", file));
        }
        var name = server.PostgresDatabase!;
        // Closed to new connections (even a superuser's), and the sessions open in the server's pool ended.
        await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        Log($"closed database {name} to connections");
        return new Undo(() => AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true").GetAwaiter().GetResult());
    }

    private static async Task AdminAsync(string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Undo(Action undo) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            undo();
            return ValueTask.CompletedTask;
        }
    }

    internal sealed record CheckResult(string Status, double DurationMs, string? Description);

    internal sealed record Readiness(string Status, double DurationMs, Dictionary<string, CheckResult> Checks);

    /// <summary>Asks /health/ready until it answers <paramref name="expected"/> (results are reused for a
    /// second, and a failing check may take its timeout); fails with the last answer otherwise.</summary>
    private async Task<Readiness> ReadyAsync(CheeseshopServer server, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string last;
        while (true)
        {
            using var response = await server.Http.GetAsync("health/ready");
            var body = await response.Content.ReadAsStringAsync();
            last = $"{(int)response.StatusCode} {body}";
            if (response.StatusCode == expected)
            {
                Log($"/health/ready: {last}");
                AssertEqual("application/json", response.Content.Headers.ContentType?.MediaType, "content type");
                AssertEqual("no-store", response.Headers.CacheControl?.ToString(), "Cache-Control");
                return Parse(body);
            }
            if (DateTime.UtcNow > deadline) Fail($"/health/ready did not answer {(int)expected} within 20 s; last: {last}");
            await Task.Delay(250);
        }
    }

    internal static Readiness Parse(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var checks = new Dictionary<string, CheckResult>();
        foreach (var check in root.GetProperty("checks").EnumerateObject())
            checks[check.Name] = new CheckResult(check.Value.GetProperty("status").GetString()!,
                check.Value.GetProperty("duration_ms").GetDouble(),
                check.Value.TryGetProperty("description", out var d) ? d.GetString() : null);
        Assert.Equal(Checks.Order(), checks.Keys.Order());
        return new Readiness(root.GetProperty("status").GetString()!, root.GetProperty("duration_ms").GetDouble(), checks);
    }
}
