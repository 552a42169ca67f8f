using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Downloads;
using Cheeseshop.Privacy;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cheeseshop.Tests.Downloads;

/// <summary>The writer's promises: never block a download, lose nothing on a graceful stop or a failed batch.</summary>
public sealed class DownloadWriterTests
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static DownloadWriter Writer(WriterDatabase db, DownloadQueue queue, DownloadsOptions options, IDownloadSink? sink = null,
        TimeProvider? clock = null, ListLogger<DownloadWriter>? log = null) =>
        new(queue, db.Scopes, sink ?? new DatabaseDownloadSink(), options, clock ?? TimeProvider.System, log ?? new ListLogger<DownloadWriter>());

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_and_says_so_once_a_minute()
    {
        await using var db = await WriterDatabase.CreateAsync(Database.Sqlite);
        var options = new DownloadsOptions { QueueCapacity = 5, FlushMilliseconds = 50 };
        var queue = new DownloadQueue(options);
        var accepted = Enumerable.Range(0, 12).Count(_ => queue.TryEnqueue(WriterDatabase.Download()));
        Assert.Equal(5, accepted);
        Assert.Equal(7, queue.Dropped);

        var clock = new ShiftedClock();
        var log = new ListLogger<DownloadWriter>();
        var writer = Writer(db, queue, options, clock: clock, log: log);
        await writer.StartAsync(CancellationToken.None);
        await WaitForAsync(async () => await db.CountAsync() == 5, "the five queued events");
        // Within the first minute the drops are not reported yet, however many batches go by.
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("dropped"));

        clock.Offset = TimeSpan.FromMinutes(1.5);
        Assert.True(queue.TryEnqueue(WriterDatabase.Download()));
        await WaitForAsync(async () => await db.CountAsync() == 6, "the next event");
        await WaitForAsync(() => Task.FromResult(log.Lines.Any(l => l.Message.Contains("dropped"))), "the drop report");
        var report = Assert.Single(log.Lines, l => l.Message.Contains("dropped"));
        Assert.Equal(LogLevel.Warning, report.Level);
        Assert.Contains("7 download events were dropped", report.Message);

        await writer.StoppedAsync(CancellationToken.None);
        Assert.Single(log.Lines, l => l.Message.Contains("dropped")); // nothing new to report at stop
        Assert.False(queue.TryEnqueue(WriterDatabase.Download()), "a stopped writer's queue takes nothing");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_graceful_stop_writes_what_is_queued(Database database)
    {
        await using var db = await WriterDatabase.CreateAsync(database);
        // A flush interval far longer than the test: only the stop can write these.
        var options = new DownloadsOptions { FlushMilliseconds = 3_600_000, BatchSize = 1000 };
        var queue = new DownloadQueue(options);
        var writer = Writer(db, queue, options);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 25; i++) Assert.True(queue.TryEnqueue(WriterDatabase.Download()));
        await Task.Delay(300);
        Assert.Equal(0, await db.CountAsync());

        await writer.StoppedAsync(CancellationToken.None);
        Assert.Equal(25, await db.CountAsync());
        Assert.Equal(25, queue.Written);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_failed_batch_is_retried_until_written_and_not_duplicated(Database database)
    {
        await using var db = await WriterDatabase.CreateAsync(database);
        var options = new DownloadsOptions { FlushMilliseconds = 20, BatchSize = 1000 };
        var queue = new DownloadQueue(options);
        var sink = new FlakySink(failures: 3);
        var log = new ListLogger<DownloadWriter>();
        var writer = Writer(db, queue, options, sink, log: log);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 40; i++) Assert.True(queue.TryEnqueue(WriterDatabase.Download()));

        await WaitForAsync(async () => await db.CountAsync() == 40, "the batch after three failures");
        Assert.Equal(3, writer.FailedAttempts);
        Assert.Equal(3, log.Lines.Count(l => l.Level == LogLevel.Error && l.Message.Contains("retrying")));
        await writer.StoppedAsync(CancellationToken.None);
        Assert.Equal(40, await db.CountAsync());
    }

    [Fact]
    public async Task Bots_are_not_written_and_unknown_agents_are_written_without_details()
    {
        await using var db = await WriterDatabase.CreateAsync(Database.Sqlite);
        var options = new DownloadsOptions { FlushMilliseconds = 20 };
        var queue = new DownloadQueue(options);
        var writer = Writer(db, queue, options);
        await writer.StartAsync(CancellationToken.None);
        queue.TryEnqueue(WriterDatabase.Download("Datadog Agent/7.50.0"));
        queue.TryEnqueue(WriterDatabase.Download(null!));
        queue.TryEnqueue(WriterDatabase.Download("cheese-fetcher/1.0"));
        queue.TryEnqueue(WriterDatabase.Download());
        await writer.StoppedAsync(CancellationToken.None);
        await using var scope = db.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<Cheeseshop.Data.CheeseshopDb>();
        var rows = await (from e in context.DownloadEvents
                          join f in context.DownloadFiles on e.FileId equals f.Id
                          from a in context.DownloadAgents.Where(a => a.Id == e.AgentId).DefaultIfEmpty()
                          orderby e.Id
                          select new { e.CountryCode, f.Project, f.Version, f.Type, Installer = a == null ? null : a.InstallerName, Python = a == null ? null : a.Python })
                         .ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Installer);
        Assert.Equal("pip", rows[1].Installer);
        Assert.Equal("3.11.2", rows[1].Python);
        Assert.Equal("writer-test", rows[1].Project);
        Assert.Equal("1.0", rows[1].Version);
        Assert.Equal("bdist_wheel", rows[1].Type);
        Assert.Equal("NL", rows[1].CountryCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Retention_prunes_agents_no_event_points_at_and_a_writer_that_had_one_cached_creates_it_again(Database database)
    {
        await using var db = await WriterDatabase.CreateAsync(database);
        var options = new DownloadsOptions { FlushMilliseconds = 20 };
        var queue = new DownloadQueue(options);
        var clock = new ShiftedClock();
        var writer = Writer(db, queue, options, clock: clock);
        await writer.StartAsync(CancellationToken.None);
        const string oldAgent = "pip/20.0 {\"installer\":{\"name\":\"pip\",\"version\":\"20.0\"},\"python\":\"3.8.1\"}";
        const string recentAgent = "uv/0.4.0 {\"installer\":{\"name\":\"uv\",\"version\":\"0.4.0\"},\"python\":\"3.12.1\"}";
        Assert.True(queue.TryEnqueue(WriterDatabase.Download(oldAgent)));
        Assert.True(queue.TryEnqueue(WriterDatabase.Download(recentAgent)));
        await WaitForAsync(async () => await db.CountAsync() == 2, "the two downloads");

        // History: pip 20.0 was last used 200 days ago (its download too); the aggregates are final up to
        // today, and the project is under a legal hold.
        var longAgo = DateTime.UtcNow.AddDays(-200);
        long oldId = 0;
        Guid projectId = default;
        await WithDbAsync(db, async context =>
        {
            oldId = await context.DownloadAgents.Where(a => a.InstallerVersion == "20.0").Select(a => a.Id).SingleAsync();
            projectId = await context.Projects.Select(p => p.Id).SingleAsync();
            await context.DownloadEvents.Where(e => e.AgentId == oldId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Timestamp, longAgo));
            await context.DownloadAgents.Where(a => a.Id == oldId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LastSeen, DateOnly.FromDateTime(longAgo)));
            context.DownloadRollupState.Add(new DownloadRollupState { Id = 1, RecomputeFrom = DateOnly.FromDateTime(DateTime.UtcNow), LastRunAt = DateTime.UtcNow });
            context.LegalHolds.Add(new LegalHold
            {
                ProjectId = projectId, SubjectName = "writer-test", Until = DateTime.UtcNow.AddDays(30), Reason = "test", CreatedBy = "test", Created = DateTime.UtcNow,
            });
            await context.SaveChangesAsync();
        });

        // Held: the old download stays, and so does the agent it points at, however long unused.
        await RetentionAsync(db);
        Assert.Equal(2, await db.CountAsync());
        Assert.Equal(2, await WithDbAsync(db, c => c.DownloadAgents.CountAsync()));

        // Released: the old download goes, and its agent with it (in the same run); the recent one stays.
        await WithDbAsync(db, c => c.LegalHolds.ExecuteUpdateAsync(u => u.SetProperty(h => h.ReleasedAt, DateTime.UtcNow)));
        await RetentionAsync(db);
        Assert.Equal(1, await db.CountAsync());
        Assert.Equal(["0.4.0"], await WithDbAsync(db, c => c.DownloadAgents.Select(a => a.InstallerVersion).ToListAsync()));

        // The writer still has pip 20.0's id cached. The next day it checks the row before using it again,
        // finds it gone, and creates it afresh: no event points at a pruned agent.
        clock.Offset = TimeSpan.FromDays(1);
        Assert.True(queue.TryEnqueue(WriterDatabase.Download(oldAgent)));
        await WaitForAsync(async () => await db.CountAsync() == 2, "the download after the prune");
        await writer.StoppedAsync(CancellationToken.None);
        var installers = await WithDbAsync(db, c => (
            from e in c.DownloadEvents
            from a in c.DownloadAgents.Where(a => a.Id == e.AgentId).DefaultIfEmpty()
            orderby e.Id
            select a == null ? "(no agent row)" : a.InstallerName + " " + a.InstallerVersion).ToListAsync());
        Assert.Equal(["uv 0.4.0", "pip 20.0"], installers);
    }

    private static async Task RetentionAsync(WriterDatabase db)
    {
        await using var scope = db.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(DateTime.UtcNow, dryRun: false, "test", CancellationToken.None);
    }

    private static async Task<T> WithDbAsync<T>(WriterDatabase db, Func<CheeseshopDb, Task<T>> action)
    {
        await using var scope = db.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CheeseshopDb>());
    }

    private static async Task WithDbAsync(WriterDatabase db, Func<CheeseshopDb, Task> action) =>
        await WithDbAsync(db, async c => { await action(c); return 0; });
}
