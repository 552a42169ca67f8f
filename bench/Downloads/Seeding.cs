using Cheeseshop.Configuration;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Downloads;
using Cheeseshop.Hosting;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Bench.Downloads;

public static class Seeding
{
    public static async Task<ServiceProvider> ServicesAsync(string dataDir)
    {
        var services = new ServiceCollection().AddLogging().AddCheeseshop(AppConfiguration.Build(dataDir)).BuildServiceProvider();
        await DatabaseMigrator.MigrateAsync(services);
        return services;
    }

    /// <summary>One project with <paramref name="files"/> wheels of 16 KiB, rows and bytes; prints each URL path.</summary>
    public static async Task SeedFilesAsync(string dataDir, int files)
    {
        await using var services = await ServicesAsync(dataDir);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == "bench-downloads");
        if (project is null)
        {
            project = new Project { Id = Guid.NewGuid(), Name = "bench-downloads", NormalizedName = "bench-downloads", Created = DateTime.UtcNow };
            var release = new Release { Id = Guid.NewGuid(), ProjectId = project.Id, Version = "1.0", CanonicalVersion = "1", Created = DateTime.UtcNow };
            db.Projects.Add(project);
            db.Releases.Add(release);
            var random = new Random(1);
            for (var i = 0; i < files; i++)
            {
                var filename = $"bench_downloads-1.0-{i}-py3-none-any.whl";
                var bytes = new byte[16 * 1024];
                random.NextBytes(bytes);
                var digests = FileDigester.Of(bytes);
                await store.PutBytesAsync(digests.StoragePath(filename), bytes, CancellationToken.None);
                db.Files.Add(new ReleaseFile
                {
                    Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = filename, PackageType = "bdist_wheel",
                    PythonVersion = "py3", Size = bytes.Length, Md5 = digests.Md5, Sha256 = digests.Sha256, Blake2b256 = digests.Blake2b256,
                    Path = digests.StoragePath(filename), UploadTime = DateTime.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }
        foreach (var f in await db.Files.Where(f => f.ProjectId == project.Id).OrderBy(f => f.Filename).ToListAsync())
            Console.WriteLine("/packages/" + f.Path);
    }

    // Rough shares of PyPI's traffic (pypistats.org, 2024): a few installers, Pythons, systems and
    // countries carry most downloads, with a long tail. Uniform choices would make every day's
    // aggregates nearly as large as its events, which no real index sees.
    private static readonly (string? Value, int Weight)[] Installers =
        [("pip", 74), ("uv", 10), ("poetry", 4), ("Browser", 3), ("bandersnatch", 2), ("devpi", 1), ("unknown", 6)];
    private static readonly (string? Value, int Weight)[] Pythons =
        [("3.12.1", 25), ("3.11.7", 25), ("3.10.12", 20), ("3.9.18", 12), ("3.8.10", 8), ("3.13.0", 5), ("2.7.18", 1), (null, 4)];
    private static readonly (string? Value, int Weight)[] Systems = [("Linux", 85), ("Darwin", 7), ("Windows", 7), ("FreeBSD", 1)];
    private static readonly (string? Value, int Weight)[] Countries =
        [("US", 40), ("DE", 8), ("CN", 8), ("GB", 6), ("IN", 5), ("FR", 4), ("NL", 4), ("JP", 4), ("BR", 3), ("CA", 3), ("SG", 3), ("IE", 3), ("KR", 2), ("AU", 2), (null, 5)];

    private static string? Pick(Random random, (string? Value, int Weight)[] choices)
    {
        var n = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (n < weight) return value;
            n -= weight;
        }
        return choices[^1].Value;
    }

    /// <summary>A User-Agent as the installer would send it, so generated events go through the real parser.</summary>
    private static string Agent(string installer, string? python, string? system, bool ci) => installer switch
    {
        "Browser" => "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "bandersnatch" => "bandersnatch/6.5.0 (CPython 3.11.4-final0, Linux x86_64)",
        "devpi" => "devpi-server/6.9.2 (py3.11.4; linux)",
        "unknown" => "cheese-fetcher/1.0",
        "poetry" => $"poetry/1.7.1 CPython/{python ?? "3.12.1"} {system ?? "Linux"}/6.5.0",
        _ => $"{installer}/24.0 {{\"ci\":{(ci ? "true" : "null")},\"cpu\":\"x86_64\",\"distro\":{{\"id\":\"jammy\",\"libc\":{{\"lib\":\"glibc\",\"version\":\"2.35\"}},\"name\":\"Ubuntu\",\"version\":\"22.04\"}}," +
             $"\"implementation\":{{\"name\":\"CPython\",\"version\":\"{python ?? "3.12.1"}\"}},\"installer\":{{\"name\":\"{installer}\",\"version\":\"24.0\"}},\"openssl_version\":\"OpenSSL 3.0.2 15 Mar 2022\"," +
             (python is null ? "" : $"\"python\":\"{python}\",") + "\"setuptools_version\":\"69.0.3\"" + (system is null ? "" : $",\"system\":{{\"name\":\"{system}\",\"release\":\"6.5.0\"}}") + "}",
    };

    /// <summary>
    /// Raw events through the writer's own code (agent parsing, file rows, bulk insert), spread evenly over
    /// the last <paramref name="days"/> days across <paramref name="projects"/> projects created for it.
    /// </summary>
    public static async Task GenerateEventsAsync(string dataDir, long events, int days, int projects)
    {
        await using var services = await ServicesAsync(dataDir);
        var files = new List<(string Url, string Name)>();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < projects; i++)
            {
                var name = $"bench-dl-{i:D6}";
                var filename = $"bench_dl_{i:D6}-1.{i % 5}-py3-none-any.whl";
                var digests = FileDigester.Of(System.Text.Encoding.UTF8.GetBytes(filename));
                files.Add(("/packages/" + digests.StoragePath(filename), filename));
                if (await db.Projects.AnyAsync(p => p.NormalizedName == name)) continue;
                var project = new Project { Id = Guid.NewGuid(), Name = name, NormalizedName = name, Created = DateTime.UtcNow };
                var release = new Release { Id = Guid.NewGuid(), ProjectId = project.Id, Version = $"1.{i % 5}", CanonicalVersion = $"1.{i % 5}", Created = DateTime.UtcNow };
                db.Projects.Add(project);
                db.Releases.Add(release);
                db.Files.Add(new ReleaseFile
                {
                    Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = filename, PackageType = i % 3 == 0 ? "sdist" : "bdist_wheel",
                    PythonVersion = "py3", Size = 1000, Md5 = digests.Md5, Sha256 = digests.Sha256, Blake2b256 = digests.Blake2b256,
                    Path = digests.StoragePath(filename), UploadTime = DateTime.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }

        var random = new Random(42);
        var start = DateTime.UtcNow.Date.AddDays(-(days - 1));
        var step = TimeSpan.FromTicks(TimeSpan.FromDays(days).Ticks / events);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var builder = new EventBuilder();
        const int batch = 50_000;
        for (long done = 0; done < events; done += batch)
        {
            var requests = new List<PendingRequest>(batch);
            for (var i = 0; i < batch && done + i < events; i++)
            {
                // A skewed choice of project: a few popular ones, a long tail.
                var (url, name) = files[(int)(Math.Pow(random.NextDouble(), 3) * files.Count)];
                var agent = Agent(Pick(random, Installers)!, Pick(random, Pythons), Pick(random, Systems), random.Next(10) < 3);
                requests.Add(new PendingRequest(RequestKind.File, start + step * (done + i), url, name, agent, Pick(random, Countries), null, null));
            }
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            await new DatabaseDownloadSink().WriteAsync(db, await builder.BuildAsync(db, requests, CancellationToken.None), CancellationToken.None);
            Console.Error.Write($"\r{Math.Min(events, done + batch):N0}/{events:N0} events, {Math.Min(events, done + batch) / started.Elapsed.TotalSeconds:N0}/s");
        }
        Console.Error.WriteLine();
        Console.WriteLine($"generated {events} events over {days} days for {projects} projects in {started.Elapsed.TotalSeconds:F1} s");
    }

    public static async Task<long> CountAsync(string dataDir)
    {
        await using var services = await ServicesAsync(dataDir);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheeseshopDb>().DownloadEvents.LongCountAsync();
    }
}
