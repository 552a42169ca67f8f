using System.Diagnostics;
using Cheeseshop.Downloads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cheeseshop.Bench.Downloads;

/// <summary>
/// The writer as the server runs it (queue, User-Agent parsing, file lookup, batches of 1,000) fed as
/// fast as it will take events: how many it writes a second into this database.
/// </summary>
public static class WriterBench
{
    private const string PipAgent =
        """pip/24.0 {"ci":null,"cpu":"x86_64","distro":{"id":"jammy","libc":{"lib":"glibc","version":"2.35"},"name":"Ubuntu","version":"22.04"},"implementation":{"name":"CPython","version":"3.12.1"},"installer":{"name":"pip","version":"24.0"},"openssl_version":"OpenSSL 3.0.2 15 Mar 2022","python":"3.12.1","rustc_version":"1.75.0","setuptools_version":"69.0.3","system":{"name":"Linux","release":"6.5.0-1016-azure"}}""";

    public static async Task RunAsync(string dataDir, int events)
    {
        await using var services = await Seeding.ServicesAsync(dataDir);
        var urls = new List<(string Url, string Name)>();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Cheeseshop.Data.CheeseshopDb>();
            foreach (var f in db.Files.Where(f => f.Filename.StartsWith("bench_downloads")).ToList()) urls.Add(("/packages/" + f.Path, f.Filename));
        }
        if (urls.Count == 0) throw new InvalidOperationException("Run seed-files first.");

        var options = new DownloadsOptions { QueueCapacity = events, BatchSize = 1000, FlushMilliseconds = 1000 };
        var queue = new DownloadQueue(options);
        for (var i = 0; i < events; i++)
        {
            var (url, name) = urls[i % urls.Count];
            queue.TryEnqueue(new PendingRequest(RequestKind.File, DateTime.UtcNow, url, name, i % 10 == 0 ? "curl/8.5.0" : PipAgent, "DE", null, null));
        }
        var writer = new DownloadWriter(queue, services.GetRequiredService<IServiceScopeFactory>(), new DatabaseDownloadSink(), options,
            TimeProvider.System, NullLogger<DownloadWriter>.Instance);
        var clock = Stopwatch.StartNew();
        await writer.StartAsync(CancellationToken.None);
        while (queue.Written < events) await Task.Delay(10);
        var seconds = clock.Elapsed.TotalSeconds;
        await writer.StoppedAsync(CancellationToken.None);
        Console.WriteLine($"writer: {events} events in {seconds:F2} s = {events / seconds:N0} events/s ({(services.GetRequiredService<Cheeseshop.Data.CheeseshopDb>() is Cheeseshop.Data.Postgres.PostgresDb ? "PostgreSQL" : "SQLite")})");
    }
}

/// <summary>Where a batch's time goes: building rows (parsing, lookups) versus inserting them.</summary>
public static class WriterPhases
{
    public static async Task RunAsync(string dataDir, int events)
    {
        await using var services = await Seeding.ServicesAsync(dataDir);
        var urls = new List<(string Url, string Name)>();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Cheeseshop.Data.CheeseshopDb>();
            foreach (var f in db.Files.Where(f => f.Filename.StartsWith("bench_downloads")).ToList()) urls.Add(("/packages/" + f.Path, f.Filename));
        }
        var builder = new EventBuilder();
        var sink = new DatabaseDownloadSink();
        double build = 0, write = 0;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (var done = 0; done < events; done += 1000)
        {
            var batch = Enumerable.Range(0, 1000).Select(i => new PendingRequest(RequestKind.File, DateTime.UtcNow, urls[i % urls.Count].Url, urls[i % urls.Count].Name,
                WriterBenchAgents.Pip, "DE", null, null)).ToList();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Cheeseshop.Data.CheeseshopDb>();
            var t = Stopwatch.StartNew();
            var rows = await builder.BuildAsync(db, batch, CancellationToken.None);
            build += t.Elapsed.TotalMilliseconds;
            t.Restart();
            await sink.WriteAsync(db, rows, CancellationToken.None);
            write += t.Elapsed.TotalMilliseconds;
        }
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"per event: build {build * 1000 / events:F2} us, write {write * 1000 / events:F2} us (wall); {cpu.TotalMilliseconds * 1000 / events:F2} us of CPU in all");
    }
}

internal static class WriterBenchAgents
{
    public const string Pip =
        """pip/24.0 {"ci":null,"cpu":"x86_64","distro":{"id":"jammy","libc":{"lib":"glibc","version":"2.35"},"name":"Ubuntu","version":"22.04"},"implementation":{"name":"CPython","version":"3.12.1"},"installer":{"name":"pip","version":"24.0"},"openssl_version":"OpenSSL 3.0.2 15 Mar 2022","python":"3.12.1","rustc_version":"1.75.0","setuptools_version":"69.0.3","system":{"name":"Linux","release":"6.5.0-1016-azure"}}""";
}
