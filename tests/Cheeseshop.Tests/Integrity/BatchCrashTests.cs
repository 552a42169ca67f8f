using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cheeseshop.Data.Entities;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>
/// The batch work of the index killed with SIGKILL part way: a retention run and a stats rollup (each run
/// as the program and killed as its work begins and part way through it, then run to the end), and the
/// download writer of a server killed while downloads stream in. After
/// every kill what is visible is whole (all of a run or none of it, each day's rollup old or new, every
/// written event complete), a re-run finishes the work and finds nothing more to do, and fsck is clean.
/// </summary>
[LongRunning]
public sealed class BatchCrashTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private const int OldRows = 120_000;
    private const int RollupDays = 12;
    private const int EventsPerDay = 8_000;

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_killed_retention_run_erases_all_or_nothing_and_a_rerun_finishes_it(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        // The work is the program's alone: the server's own daily jobs must not run it meanwhile.
        await server.StopGracefullyAsync();
        var old = DateTime.UtcNow.Date.AddDays(-400);
        await server.WithDbAsync(async db =>
        {
            var file = new DownloadFile { Filename = "kept-1.0.tar.gz", Url = "/packages/x/kept-1.0.tar.gz", Project = "kept", Version = "1.0", Type = "sdist" };
            db.DownloadFiles.Add(file);
            // Rolled up long ago: the old events' days are final, so retention may erase them.
            db.DownloadRollupState.Add(new DownloadRollupState { Id = 1, RecomputeFrom = DateOnly.FromDateTime(DateTime.UtcNow.Date), LastRunAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            foreach (var chunk in Enumerable.Range(0, OldRows).Chunk(20_000))
            {
                await db.InsertDownloadEventsAsync(chunk.Select(i => new DownloadEventRecord { Timestamp = old.AddSeconds(i * 60), FileId = file.Id }).ToList(), default);
                await db.BulkInsertAsync(chunk.Select(i => new SimpleRequestRecord { Timestamp = old.AddSeconds(i * 60), Url = "/simple/kept/", Project = "kept" }).ToList(), default);
            }
            return 0;
        });
        var cutoff = DateTime.UtcNow.AddDays(-180);
        var runsBefore = await server.WithDbAsync(db => db.RetentionRuns.CountAsync(r => !r.DryRun));

        await KillAtMomentsThenFinishAsync(server, ["retention", "run"],
            [new("as it begins", AfterLine: "retention: "), new("part way through its deletes", AfterLine: "retention: ", DelayMs: 300)], async attempt =>
        {
            var (runs, left) = await server.WithDbAsync(async db => (await db.RetentionRuns.CountAsync(r => !r.DryRun),
                await db.DownloadEvents.CountAsync(e => e.Timestamp < cutoff) + await db.SimpleRequests.CountAsync(e => e.Timestamp < cutoff)));
            Log($"{attempt}: {runs - runsBefore} run(s) recorded, {left} old rows left");
            if (!(runs == runsBefore && left == 2 * OldRows) && !(runs > runsBefore && left == 0))
                Fail($"{attempt}: half a retention run is visible: {runs - runsBefore} run(s) recorded and {left} of {2 * OldRows} old rows left.");
            return runs > runsBefore;
        });

        var again = Logged(await server.RunCliAsync("retention", "run"));
        AssertSucceeded(again, "retention run again");
        foreach (var line in again.Stdout.Split('\n').Where(l => l.Contains("erased", StringComparison.Ordinal)))
            Assert.Matches(@"^\s+\S+\s+0 erased$", line);
        AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--quick", "--grace-minutes", "0")), "fsck after the retention runs");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_killed_rollup_leaves_each_day_old_or_new_and_a_rerun_counts_every_event(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        await server.StopGracefullyAsync();
        var first = DateTime.UtcNow.Date.AddDays(-RollupDays - 2);
        await server.WithDbAsync(async db =>
        {
            var files = Enumerable.Range(0, 3).Select(i => new DownloadFile
            {
                Filename = $"counted-1.{i}.tar.gz", Url = $"/packages/x/counted-1.{i}.tar.gz", Project = "counted", Version = $"1.{i}", Type = "sdist",
            }).ToList();
            db.DownloadFiles.AddRange(files);
            await db.SaveChangesAsync();
            for (var day = 0; day < RollupDays; day++)
            {
                var start = first.AddDays(day);
                await db.InsertDownloadEventsAsync(Enumerable.Range(0, EventsPerDay - day).Select(i => new DownloadEventRecord
                {
                    Timestamp = start.AddSeconds(i * 10), FileId = files[i % 3].Id, CountryCode = (i % 5) switch { 0 => "DE", 1 => "FR", 2 => null, _ => "JP" },
                }).ToList(), default);
            }
            return 0;
        });

        await KillAtMomentsThenFinishAsync(server, ["stats", "rollup"],
            [new("as it begins", AfterLine: "rollup: days"), new("once its first day is committed", WhenSql: "SELECT count(*) FROM download_daily_counts")], async attempt =>
        {
            var (events, counted, series) = await server.WithDbAsync(async db =>
            {
                var perDay = new Dictionary<DateOnly, long>();
                for (var day = 0; day < RollupDays; day++)
                {
                    var start = first.AddDays(day);
                    perDay[DateOnly.FromDateTime(start)] = await db.DownloadEvents.LongCountAsync(e => e.Timestamp >= start && e.Timestamp < start.AddDays(1));
                }
                return (perDay,
                    await db.DailyDownloads.GroupBy(d => d.Date).Select(g => new { g.Key, N = g.Sum(d => d.Downloads) }).ToDictionaryAsync(g => g.Key, g => g.N),
                    await db.DailySeries.GroupBy(d => new { d.Date, d.Breakdown }).Select(g => new { g.Key.Date, g.Key.Breakdown, N = g.Sum(d => d.Downloads) }).ToListAsync());
            });
            var rebuilt = 0;
            foreach (var (day, n) in events)
            {
                var daily = counted.GetValueOrDefault(day);
                var sums = series.Where(s => s.Date == day).Select(s => s.N).Distinct().ToList();
                // A day is either untouched (no rows) or rebuilt whole: its count and every series add up to its events.
                if (daily == 0 && sums.Count == 0) continue;
                if (daily != n || sums.Count != 1 || sums[0] != n || series.Count(s => s.Date == day) != 6)
                    Fail($"{attempt}: the rollup of {day:yyyy-MM-dd} is half done: {daily} counted, series sums {string.Join(",", sums)}, {n} events.");
                rebuilt++;
            }
            var state = await server.WithDbAsync(db => db.DownloadRollupState.AnyAsync());
            Log($"{attempt}: {rebuilt} of {events.Count} days rebuilt whole, the rest untouched; run recorded: {state}");
            return state;
        });

        var again = Logged(await server.RunCliAsync("stats", "rollup", "--from", $"{first:yyyy-MM-dd}"));
        AssertSucceeded(again, "stats rollup again over every day");
        var (total, totalCounted) = await server.WithDbAsync(async db => (await db.DownloadEvents.LongCountAsync(), await db.DailyDownloads.SumAsync(d => d.Downloads)));
        AssertEqual(total, totalCounted, "downloads counted by the rollup, against the raw events");
        AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--quick", "--grace-minutes", "0")), "fsck after the rollups (every closed day and series against its events)");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_server_killed_while_downloads_stream_in_keeps_only_whole_events_and_writes_on_after_a_restart(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database, hosting: ServerHosting.Process,
            settings: new Dictionary<string, string> { ["Downloads__FlushMilliseconds"] = "100", ["Downloads__BatchSize"] = "25" });
        Watch(server);
        var token = await SharedTokenAsync(server);
        using (var upload = await TestDistributions.UploadWheelAsync(server, token, "streamed", "1.0"))
            AssertEqual(HttpStatusCode.OK, upload.StatusCode, "upload");
        var path = await server.WithDbAsync(db => db.Files.Select(f => f.Path).SingleAsync());
        var served = 0;
        var started = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Interlocked.Increment(ref started);
                    if (await DownloadAsync(server, path) == HttpStatusCode.OK) Interlocked.Increment(ref served);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    await Task.Delay(20);
                }
            }
        })).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await server.WithDbAsync(db => db.DownloadEvents.CountAsync()) < 100)
        {
            if (DateTime.UtcNow > deadline) Fail("Fewer than 100 download events were written within 60 s.");
            await Task.Delay(50);
        }
        await server.KillAsync();
        stop.Cancel();
        await Task.WhenAll(load);
        Log($"SIGKILL with {served} downloads served of {started} asked for");

        if (database == Database.Sqlite)
            AssertEqual("ok", await SqliteScalarAsync(server, "PRAGMA integrity_check"), "SQLite's integrity check of the killed server's database");
        var (events, dangling) = await server.WithDbAsync(async db => (await db.DownloadEvents.CountAsync(),
            await db.DownloadEvents.CountAsync(e => !db.DownloadFiles.Any(f => f.Id == e.FileId) || (e.AgentId != null && !db.DownloadAgents.Any(a => a.Id == e.AgentId)))));
        Log($"{events} download events written before the kill");
        // A download cut off by the kill may have been counted before its client read it all.
        Assert.True(events <= started, $"{events} events written for {started} downloads asked for");
        AssertEqual(0, dangling, "events pointing at a file or installer row that is not there");

        await server.RestartAsync();
        AssertSucceeded(Logged(await server.RunCliAsync("fsck", "--quick", "--grace-minutes", "0")), "fsck after the restart");
        for (var i = 0; i < 20; i++) AssertEqual(HttpStatusCode.OK, await DownloadAsync(server, path), "a download after the restart");
        var after = Stopwatch.StartNew();
        while (await server.WithDbAsync(db => db.DownloadEvents.CountAsync()) != events + 20)
        {
            if (after.Elapsed > TimeSpan.FromSeconds(30))
                Fail($"The restarted writer did not write exactly the 20 new downloads: {await server.WithDbAsync(db => db.DownloadEvents.CountAsync())} events for {events} + 20.");
            await Task.Delay(50);
        }
    }

    private static async Task<HttpStatusCode> DownloadAsync(CheeseshopServer server, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"packages/{path}");
        request.Headers.TryAddWithoutValidation("User-Agent", "cheese-fetcher/1.0");
        using var response = await server.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private static async Task<string?> SqliteScalarAsync(CheeseshopServer server, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>When a run is killed: <paramref name="DelayMs"/> after it printed a progress line starting with
    /// <paramref name="AfterLine"/> (its work has begun), or as soon as <paramref name="WhenSql"/> counts a row.</summary>
    private sealed record Moment(string Name, string? AfterLine = null, int DelayMs = 0, string? WhenSql = null);

    /// <summary>
    /// Runs the verb as the program once per moment and kills it (SIGKILL) then, checking what is visible
    /// after each kill; then runs it to the end, as after a restart. <paramref name="check"/> says whether
    /// the work is recorded as done (a killed run may have committed just before).
    /// </summary>
    private async Task KillAtMomentsThenFinishAsync(CheeseshopServer server, string[] verb, Moment[] moments, Func<string, Task<bool>> check)
    {
        var command = string.Join(' ', verb);
        foreach (var moment in moments)
        {
            using var kill = new CancellationTokenSource();
            var lineSeen = 0;
            var run = server.RunCliProcessAsync(kill.Token, line =>
            {
                if (moment.AfterLine is { } start && line.StartsWith(start, StringComparison.Ordinal) && Interlocked.Exchange(ref lineSeen, 1) == 0)
                {
                    if (moment.DelayMs == 0) kill.Cancel();
                    else kill.CancelAfter(moment.DelayMs);
                }
            }, verb);
            while (moment.WhenSql is { } sql && !run.IsCompleted)
            {
                if (await CountAsync(server, sql) > 0)
                {
                    kill.Cancel();
                    break;
                }
                await Task.Delay(5);
            }
            var result = await run;
            var killed = kill.IsCancellationRequested && !result.Succeeded;
            var name = killed ? $"{command} killed {moment.Name}" : $"{command} finished before its kill {moment.Name}";
            if (await check(name) && killed) Log($"{name}: it had committed its work before the kill");
            if (!killed) AssertSucceeded(result, command);
        }
        AssertSucceeded(Logged(await server.RunCliProcessAsync(verb)), $"{command}, run to the end");
        AssertEqual(true, await check($"{command} run to the end"), $"{command} recorded as done");
    }

    /// <summary>A count through a connection of the test's own, opened for each look (building a server's
    /// services every few milliseconds would be too slow).</summary>
    private static async Task<long> CountAsync(CheeseshopServer server, string sql)
    {
        System.Data.Common.DbConnection connection = server.Database == Database.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.DataDir, "cheeseshop.db"), Pooling = false }.ToString())
            : new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = server.PostgresDatabase, Pooling = false }.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
