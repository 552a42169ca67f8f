using Cheeseshop.Downloads;
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
}
