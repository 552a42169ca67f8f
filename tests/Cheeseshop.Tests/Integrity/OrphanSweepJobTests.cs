using Cheeseshop.Integrity;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Cheeseshop.Tests.Integrity;

/// <summary>The server's daily sweep, on a clock the test moves: a stored file without a row older than
/// a day goes, a younger one (an upload may be committing it) and every file a row names stay. Rows
/// whose files are missing are logged as a few examples and one line of counts, not a line each.</summary>
public sealed class OrphanSweepJobTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task The_daily_sweep_removes_orphans_older_than_a_day_and_nothing_else(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        var token = await SharedTokenAsync(server);
        using (var response = await TestDistributions.UploadWheelAsync(server, token, "sweep-kept", "1.0"))
            AssertEqual(System.Net.HttpStatusCode.OK, response.StatusCode, "upload");
        var kept = Path.Combine(server.DataDir, "files", await server.WithDbAsync(db => db.Files.Select(f => f.Path).SingleAsync()));
        // A file a row names is kept however old it is.
        File.SetLastWriteTimeUtc(kept, DateTime.UtcNow.AddDays(-30));
        var folder = Path.Combine(server.DataDir, "files", "cc", "dd", "orphans");
        Directory.CreateDirectory(folder);
        var old = Path.Combine(folder, "old-1.0.tar.gz");
        await File.WriteAllTextAsync(old, "left by a crash two days ago");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));
        var recent = Path.Combine(folder, "recent-1.0.tar.gz");
        await File.WriteAllTextAsync(recent, "stored an hour ago");
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddHours(-1));

        // Rows of the upstream proxy whose files the store lacks: more than the examples the sweep logs.
        const int missing = OrphanSweepJob.LoggedExamples + 3;
        await server.WithDbAsync(db =>
        {
            for (var i = 0; i < missing; i++)
                db.ProxiedFiles.Add(new Cheeseshop.Data.Entities.ProxiedFile
                {
                    Project = "sweep-gone", Filename = $"sweep_gone-{i}.0-py3-none-any.whl", Sha256 = new string('0', 64),
                    Path = $"upstream/sweep-gone/{i}/sweep_gone-{i}.0-py3-none-any.whl", Size = 10, Fetched = DateTime.UtcNow,
                });
            return db.SaveChangesAsync();
        });

        await using var services = server.Services();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new Downloads.ListLogger<OrphanSweepJob>();
        using var job = new OrphanSweepJob(services.GetRequiredService<IServiceScopeFactory>(), clock, log);
        await job.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        AssertEqual(true, File.Exists(old), "the orphan before the job's first run");
        clock.Advance(TimeSpan.FromMinutes(5));
        for (var waited = 0; File.Exists(old); waited += 20)
        {
            if (waited > 10_000) Fail("The sweep did not remove the two-day-old orphan within 10 s of its first run.");
            await Task.Delay(20);
        }
        for (var waited = 0; !log.Lines.Any(l => l.Message.Contains("differences that need a person", StringComparison.Ordinal)); waited += 20)
        {
            if (waited > 10_000) Fail("The sweep logged no summary of the missing files within 10 s.\n" + string.Join("\n", log.Lines));
            await Task.Delay(20);
        }
        await job.StopAsync(CancellationToken.None);
        var warnings = log.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        AssertEqual(OrphanSweepJob.LoggedExamples + 1, warnings.Count, "warnings: the examples and one summary\n" + string.Join("\n", warnings));
        AssertEqual(OrphanSweepJob.LoggedExamples, warnings.Count(w => w.StartsWith("Stored files: missing-file: upstream/sweep-gone/", StringComparison.Ordinal)), "example warnings");
        AssertEqual($"Stored files: {missing} differences that need a person ({missing} missing-file), the first {OrphanSweepJob.LoggedExamples} above; " +
                    "run `cheeseshop fsck` to list them all", warnings[^1], "the summary warning");
        AssertEqual(true, File.Exists(recent), "an orphan younger than a day after the sweep");
        AssertEqual(true, File.Exists(kept), "a file a row names after the sweep");
        AssertEqual(true, File.Exists(kept + ".metadata"), "a .metadata file a row names after the sweep");
    }
}
