using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Hosting;
using Cheeseshop.Index;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Tests.Index;

/// <summary>
/// The one way to change the index, in this process on a migrated database of either kind: a committed
/// change publishes exactly the projects it touched, after its rows are visible; a change that fails, is
/// discarded or cannot commit publishes nothing, leaves no row and undoes what it registered.
/// </summary>
public sealed class IndexWriterTests
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_committed_change_publishes_exactly_its_projects_after_the_commit(Database database)
    {
        await using var index = await TestIndex.CreateAsync(database, "brie", "feta", "gouda");
        var seenAtPublish = new List<(string Project, int JournalRows)>();
        index.Feed.ProjectChanged += name => seenAtPublish.Add((name, index.JournalRowsCommitted()));
        var afterCommit = 0;

        var result = await index.ChangeAsync(async (db, change) =>
        {
            var brie = await db.Projects.SingleAsync(p => p.NormalizedName == "brie");
            var feta = await db.Projects.SingleAsync(p => p.NormalizedName == "feta");
            change.Journal(brie, "1.0", "new release", null);
            change.Journal(brie, "1.0", "add py3 file brie-1.0-py3-none-any.whl", null);
            change.Journal(feta, null, "add Owner someone", null);
            change.AfterCommit(_ =>
            {
                afterCommit++;
                return Task.CompletedTask;
            });
            return "done";
        });

        Assert.Equal("done", result);
        Assert.Equal([("brie", 3), ("feta", 3)], seenAtPublish.OrderBy(s => s.Project));
        Assert.Equal(1, afterCommit);
        var serials = await index.ReadAsync(db => db.Projects.OrderBy(p => p.NormalizedName).Select(p => p.LastSerial).ToListAsync());
        var journal = await index.ReadAsync(db => db.Journals.OrderBy(j => j.Id).Select(j => new { j.Id, j.Name }).ToListAsync());
        Assert.Equal([journal[1].Id, journal[2].Id, 0L], serials); // brie's newest row, feta's, gouda untouched
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_project_touched_without_a_journal_row_is_published_too(Database database)
    {
        await using var index = await TestIndex.CreateAsync(database, "brie");
        var published = new List<string>();
        index.Feed.ProjectChanged += published.Add;

        await index.ChangeAsync((_, change) =>
        {
            change.Touch("brie");
            return Task.FromResult(0);
        });

        Assert.Equal(["brie"], published);
        Assert.Equal(0, index.JournalRowsCommitted());
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_change_that_throws_publishes_nothing_and_undoes_itself(Database database)
    {
        await using var index = await TestIndex.CreateAsync(database, "brie");
        var published = new List<string>();
        index.Feed.ProjectChanged += published.Add;
        var (undone, afterCommit) = (0, 0);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => index.ChangeAsync<int>(async (db, change) =>
        {
            var brie = await db.Projects.SingleAsync(p => p.NormalizedName == "brie");
            change.Journal(brie, "1.0", "new release", null);
            brie.TotalSize = 42;
            await db.SaveChangesAsync(); // written inside the transaction, then rolled back
            change.OnRollback(() =>
            {
                undone++;
                return Task.CompletedTask;
            });
            change.AfterCommit(_ =>
            {
                afterCommit++;
                return Task.CompletedTask;
            });
            throw new InvalidOperationException("the work failed");
        }));

        Assert.Equal("the work failed", e.Message);
        Assert.Empty(published);
        Assert.Equal((1, 0), (undone, afterCommit));
        Assert.Equal(0, index.JournalRowsCommitted());
        Assert.Equal((0L, 0L), await index.ReadAsync(async db =>
        {
            var brie = await db.Projects.SingleAsync(p => p.NormalizedName == "brie");
            return (brie.TotalSize, brie.LastSerial);
        }));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_change_whose_commit_fails_publishes_nothing_and_undoes_itself(Database database)
    {
        await using var index = await TestIndex.CreateAsync(database, "brie");
        await index.ReadAsync(db =>
        {
            db.FilenameRegistry.Add(new FilenameRegistration { Filename = "brie-1.0.tar.gz" });
            return db.SaveChangesAsync();
        });
        var published = new List<string>();
        index.Feed.ProjectChanged += published.Add;
        var undone = 0;

        // The filename is taken: the database refuses the save inside the unit of work.
        await Assert.ThrowsAsync<DbUpdateException>(() => index.ChangeAsync(async (db, change) =>
        {
            var brie = await db.Projects.SingleAsync(p => p.NormalizedName == "brie");
            change.Journal(brie, "1.0", "add source file brie-1.0.tar.gz", null);
            change.OnRollback(() =>
            {
                undone++;
                return Task.CompletedTask;
            });
            db.FilenameRegistry.Add(new FilenameRegistration { Filename = "brie-1.0.tar.gz" });
            return 0;
        }));

        Assert.Empty(published);
        Assert.Equal(1, undone);
        Assert.Equal(0, index.JournalRowsCommitted());
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_discarded_change_returns_its_result_and_commits_and_publishes_nothing(Database database)
    {
        await using var index = await TestIndex.CreateAsync(database, "brie");
        var published = new List<string>();
        index.Feed.ProjectChanged += published.Add;
        var undone = 0;

        var result = await index.ChangeAsync(async (db, change) =>
        {
            var brie = await db.Projects.SingleAsync(p => p.NormalizedName == "brie");
            change.Journal(brie, null, "remove project", null);
            brie.TotalSize = 42;
            change.OnRollback(() =>
            {
                undone++;
                return Task.CompletedTask;
            });
            change.Discard();
            return "already there";
        });

        Assert.Equal("already there", result);
        Assert.Empty(published);
        Assert.Equal(1, undone);
        Assert.Equal(0, index.JournalRowsCommitted());
        Assert.Equal(0L, await index.ReadAsync(db => db.Projects.Select(p => p.TotalSize).SingleAsync()));
    }

    /// <summary>A migrated database holding the named projects, and the writer of one scope over it.</summary>
    private sealed class TestIndex : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly AsyncServiceScope _scope;
        private readonly string _dataDir;
        private readonly string? _pgName;

        private TestIndex(ServiceProvider services, string dataDir, string? pgName)
        {
            _services = services;
            _dataDir = dataDir;
            _pgName = pgName;
            _scope = services.CreateAsyncScope();
        }

        public IndexChangeFeed Feed => _services.GetRequiredService<IndexChangeFeed>();

        public static async Task<TestIndex> CreateAsync(Database database, params string[] projects)
        {
            var dataDir = TempPaths.NewDirectory("index-writer");
            string? pgName = null, connectionString = null;
            if (database == Database.Postgres) (pgName, connectionString) = await TestPostgres.CreateDatabaseAsync();
            var services = new ServiceCollection().AddLogging()
                .AddCheeseshop(AppConfiguration.Build(dataDir, [new("Database:PostgreSQL", connectionString)]))
                .BuildServiceProvider();
            await DatabaseMigrator.MigrateAsync(services);
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
                foreach (var name in projects)
                    db.Projects.Add(new Project { Id = Guid.NewGuid(), Name = name, NormalizedName = name, Created = DateTime.UnixEpoch });
                await db.SaveChangesAsync();
            }
            return new TestIndex(services, dataDir, pgName);
        }

        public Task<T> ChangeAsync<T>(Func<CheeseshopDb, IndexChange, Task<T>> work)
        {
            var db = _scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            return _scope.ServiceProvider.GetRequiredService<IndexWriter>().ChangeAsync(change => work(db, change), CancellationToken.None);
        }

        /// <summary>On a context and connection of its own: a read sees only what is committed.</summary>
        public async Task<T> ReadAsync<T>(Func<CheeseshopDb, Task<T>> read)
        {
            await using var scope = _services.CreateAsyncScope();
            return await read(scope.ServiceProvider.GetRequiredService<CheeseshopDb>());
        }

        /// <summary>Synchronous, so a ProjectChanged handler can ask what is committed at that moment.</summary>
        public int JournalRowsCommitted()
        {
            using var scope = _services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<CheeseshopDb>().Journals.Count();
        }

        public async ValueTask DisposeAsync()
        {
            await _scope.DisposeAsync();
            await _services.DisposeAsync();
            if (_pgName is not null) await TestPostgres.DropDatabaseAsync(_pgName);
            TempPaths.TryDelete(_dataDir);
        }
    }
}
