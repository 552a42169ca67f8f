using System.Diagnostics;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Search;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Hosting;
using Cheeseshop.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Bench;

/// <summary>
/// The search benchmark: N projects with search documents and classifier keys (these two by the bulk insert)
/// (the rows an upload's change would write; SQLite's triggers and PostgreSQL's generated columns index them
/// as they arrive), then each query of a fixed list timed through <see cref="SearchService"/>, the code the
/// page runs. Words come from a vocabulary with a Zipf-like spread, so some are in a third of all projects
/// and some in a handful, as on a real index. The same N makes the same rows.
///   bench search --data-dir DIR [--projects 100000] [--runs 20]
/// </summary>
public static class SearchBench
{
    private static readonly string[] Topics = ["Framework :: Django", "Framework :: Flask", "Topic :: Utilities", "Topic :: Software Development :: Libraries",
        "Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License", "Operating System :: OS Independent", "Development Status :: 5 - Production/Stable"];

    public static async Task RunAsync(string dataDir, int projects, int runs)
    {
        var services = new ServiceCollection().AddLogging().AddCheeseshop(AppConfiguration.Build(dataDir)).AddScoped<SearchService>().BuildServiceProvider();
        await DatabaseMigrator.MigrateAsync(services);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            var have = await db.SearchDocuments.CountAsync();
            if (have < projects) await SeedAsync(db, have, projects);
        }
        Console.WriteLine($"{projects} projects; median and worst wall time of {runs} runs per query, and the median CPU time of this\n" +
            "process (the query's own on SQLite; only the client's on PostgreSQL), in ms, after one warm-up run");
        foreach (var (label, q, c, o, page) in Queries())
        {
            var query = SearchQueryParser.Parse(q, c, o, page, out var problem) ?? throw new InvalidOperationException(problem!.Message);
            var times = new List<double>();
            var cpu = new List<double>();
            SearchResults? results = null;
            var process = Process.GetCurrentProcess();
            for (var i = 0; i <= runs; i++)
            {
                await using var scope = services.CreateAsyncScope();
                var search = scope.ServiceProvider.GetRequiredService<SearchService>();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                results = await search.SearchAsync(query, CancellationToken.None);
                if (i == 0) continue;
                times.Add(watch.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            }
            times.Sort();
            cpu.Sort();
            Console.WriteLine($"{label,-44} {times[times.Count / 2],7:F1} {times[^1],7:F1} {cpu[cpu.Count / 2],7:F1}   {results!.Matches,6} matches, {results.Hits.Count} shown");
        }
    }

    private static IEnumerable<(string Label, string Q, string?[] C, string? O, string? Page)> Queries() =>
    [
        ("exact name", "bench-search-054321", [], null, null),
        ("rare word", "w4000", [], null, null),
        ("medium word", "w0100", [], null, null),
        ("common word (in nearly every project)", "w0001", [], null, null),
        ("common word, page 400", "w0001", [], null, "400"),
        ("two common words", "w0001 w0002", [], null, null),
        ("phrase", "\"w0001 w0002\"", [], null, null),
        ("common word, newest first", "w0001", [], "-created", null),
        ("common word + classifier", "w0001", ["Framework :: Django"], null, null),
        ("classifier only", "", ["Topic :: Utilities"], null, null),
        ("no words: every project, newest first", "", [], "-created", null),
        ("no match", "nosuchwordanywhere", [], null, null),
    ];

    /// <summary>Word k of the vocabulary is drawn with probability 1/((k+1)(k+2)): w0001 is one word in six, so it is in nearly every text.</summary>
    private static string Text(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => $"w{Math.Min(9999, (int)(1 / (random.NextDouble() * 0.9999 + 0.0001)) - 1):D4}"));

    private static async Task SeedAsync(CheeseshopDb db, int from, int projects)
    {
        var clock = Stopwatch.StartNew();
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        const int batch = 5000;
        for (var first = from; first < projects; first += batch)
        {
            var random = new Random(first);
            var rows = Enumerable.Range(first, Math.Min(batch, projects - first)).Select(i => (i, Id: Guid.NewGuid())).ToList();
            await using var tx = await db.Database.BeginTransactionAsync();
            // Projects through EF: the bulk insert leaves generated keys to the database, and a project's Guid is made here.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Projects.AddRange(rows.Select(r => new Project
            {
                Id = r.Id, Name = $"bench-search-{r.i:D6}", NormalizedName = $"bench-search-{r.i:D6}", Created = start.AddMinutes(r.i),
            }));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            // Texts first, then classifiers, each in the same order of draws as ever, so the same N makes the same rows.
            var documents = rows.Select(r => new SearchDocument
            {
                ProjectId = r.Id, Name = $"bench-search-{r.i:D6}", NormalizedName = $"bench-search-{r.i:D6}", Version = "1.0",
                Summary = Text(random, 8), Keywords = Text(random, 3), Description = Text(random, 120), Created = start.AddMinutes(r.i),
            }).ToList();
            var keys = rows.Select(_ => SearchRanking.ClassifierKeys(Topics.Where(_ => random.Next(3) == 0))).ToList();
            for (var k = 0; k < documents.Count; k++)
                documents[k].ClassifierTerms = keys[k].Count == 0 ? null : SearchRanking.ClassifierTerms(keys[k]);
            await db.BulkInsertAsync(documents, default);
            await db.BulkInsertAsync(rows.Zip(keys).SelectMany(r => r.Second
                .Select(k => new SearchClassifier { Classifier = k, ProjectId = r.First.Id })).ToList(), default);
            await tx.CommitAsync();
            Console.Error.Write($"\r{first + rows.Count}/{projects} projects seeded");
        }
        Console.Error.WriteLine($"\nseeded in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
