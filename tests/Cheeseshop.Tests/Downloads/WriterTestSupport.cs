using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Downloads;
using Cheeseshop.Hosting;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cheeseshop.Tests.Downloads;

/// <summary>A migrated database of either kind, in this process, holding one project with one wheel.</summary>
public sealed class WriterDatabase : IAsyncDisposable
{
    public const string Filename = "writer_test-1.0-py3-none-any.whl";

    private readonly string _dataDir;
    private readonly string? _pgName;

    private WriterDatabase(ServiceProvider services, string dataDir, string? pgName)
    {
        Services = services;
        _dataDir = dataDir;
        _pgName = pgName;
    }

    public ServiceProvider Services { get; }
    public IServiceScopeFactory Scopes => Services.GetRequiredService<IServiceScopeFactory>();

    public static async Task<WriterDatabase> CreateAsync(Database database)
    {
        var dataDir = TempPaths.NewDirectory("writer");
        string? pgName = null, connectionString = null;
        if (database == Database.Postgres)
        {
            (pgName, connectionString) = await TestPostgres.CreateDatabaseAsync();
        }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCheeseshop(AppConfiguration.Build(dataDir, [new("Database:PostgreSQL", connectionString)]));
        var provider = services.BuildServiceProvider();
        await DatabaseMigrator.MigrateAsync(provider);
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            var project = new Project { Id = Guid.NewGuid(), Name = "writer-test", NormalizedName = "writer-test", Created = DateTime.UtcNow };
            var release = new Release { Id = Guid.NewGuid(), ProjectId = project.Id, Version = "1.0", CanonicalVersion = "1", Created = DateTime.UtcNow };
            db.Projects.Add(project);
            db.Releases.Add(release);
            db.Files.Add(new ReleaseFile
            {
                Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = Filename, PackageType = "bdist_wheel",
                PythonVersion = "py3", Md5 = "0", Sha256 = "0", Blake2b256 = "0", Path = "00/00/0/" + Filename, UploadTime = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        return new WriterDatabase(provider, dataDir, pgName);
    }

    public static PendingRequest Download(string agent = "pip/23.0 {\"installer\":{\"name\":\"pip\",\"version\":\"23.0\"},\"python\":\"3.11.2\"}") =>
        new(RequestKind.File, DateTime.UtcNow, "/packages/00/00/0/" + Filename, Filename, agent, "NL", null, null);

    public async Task<int> CountAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheeseshopDb>().DownloadEvents.CountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_pgName is not null) await TestPostgres.DropDatabaseAsync(_pgName);
        TempPaths.TryDelete(_dataDir);
    }
}

/// <summary>A sink that fails its first <paramref name="failures"/> calls, then writes for real.</summary>
public sealed class FlakySink(int failures) : IDownloadSink
{
    private readonly DatabaseDownloadSink _real = new();
    public int Calls { get; private set; }

    public Task WriteAsync(CheeseshopDb db, DownloadBatch batch, CancellationToken ct)
    {
        Calls++;
        if (Calls <= failures) throw new InvalidOperationException($"simulated database outage (call {Calls})");
        return _real.WriteAsync(db, batch, ct);
    }
}

/// <summary>The system clock, moved forward by hand (timers still run in real time).</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>Keeps every log line written through it.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
    }
}
