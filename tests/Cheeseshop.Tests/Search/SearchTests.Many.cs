using Cheeseshop.Core.Search;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Search;

/// <summary>
/// Searches past Core's limits (5,000 matches ranked, 10,000 shown), over 12,000 projects whose rows are written
/// as the indexer writes them (uploading that many would take the test minutes): what is counted, the order, the
/// deepest pages, and classifiers narrowing a large set.
/// </summary>
public sealed partial class SearchTests
{
    private const int ManyProjects = 12_000;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Past_five_thousand_matches_lists_newest_first_and_pages_to_the_ten_thousandth(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db);
        Watch(server);
        var w = Word();
        await SeedManyAsync(server, w);
        // Project i was released i minutes after the first, so newest first is i descending.
        string[] Newest(IEnumerable<int> ranks, Func<int, int> project) => ranks.Select(k => ManyName(w, project(k))).ToArray();

        var first = await SearchAsync(server, $"q={w}");
        AssertContains("10,000+ projects", first, "the count of 12,000 matches");
        AssertContains("too many to rank by relevance", first, "the notice of the order");
        AssertContains("Page 1 of 500", first, "the pages: the first 10,000 matches");
        AssertNames(Newest(Enumerable.Range(0, 20), k => ManyProjects - 1 - k), Names(first), "page 1: the newest");
        AssertNames(Newest(Enumerable.Range(7_980, 20), k => ManyProjects - 1 - k), Names(await SearchAsync(server, $"q={w}&page=400")), "page 400");
        AssertNames(Newest(Enumerable.Range(9_980, 20), k => ManyProjects - 1 - k), Names(await SearchAsync(server, $"q={w}&page=500")), "page 500, the last");
        AssertStatus(404, await SearchAsync(server, $"q={w}&page=501"), "past the ten thousandth result");

        // Every second project is a Django one: 6,000 matches, still too many to rank.
        var django = await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Django");
        AssertContains("6,000 projects", django, "the count with a classifier");
        AssertContains("too many to rank by relevance", django, "the order with a classifier");
        AssertNames(Newest(Enumerable.Range(0, 20), k => ManyProjects - 2 - 2 * k), Names(django), "page 1 with a classifier: the newest Django ones");
        var lastDjango = await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Django&page=300");
        AssertContains("Page 300 of 300", lastDjango, "the last page with a classifier");
        AssertNames(Newest(Enumerable.Range(5_980, 20), k => ManyProjects - 2 - 2 * k), Names(lastDjango), "page 300 with a classifier");
        AssertStatus(404, await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Django&page=301"), "past the last page with a classifier");
        AssertNames(Newest(Enumerable.Range(0, 20), k => ManyProjects - 2 - 2 * k), Names(await SearchAsync(server, $"q={w}&c=Framework")),
            "a parent classifier");

        // Django and Utilities (every sixth): 2,000, few enough to rank; equal scores fall back to the name.
        var both = await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Django&c=Topic+%3A%3A+Utilities");
        AssertContains("2,000 projects", both, "the count with two classifiers");
        if (Text(both).Contains("too many to rank", StringComparison.Ordinal)) Fail($"2,000 matches are ranked, but the page says:\n{both}");
        AssertNames(Enumerable.Range(0, 20).Select(k => ManyName(w, 6 * k)).ToArray(), Names(both), "two classifiers, by relevance then name");
        // A word of only some of them, with a classifier.
        AssertContains("2,000 projects", await SearchAsync(server, $"q={w}+odd{w}&c=Topic+%3A%3A+Utilities"), "two words and a classifier");
        AssertEqual(0, Names(await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Flask")).Count, "a classifier no project carries");
    }

    private static string ManyName(string w, int i) => $"{w}-n{i:D5}";

    /// <summary>Project i: the word in its summary (and "odd" + the word when i is odd), Django when i is even,
    /// Topic :: Utilities when i is a multiple of 3; released i minutes after the first.</summary>
    private static Task SeedManyAsync(CheeseshopServer server, string w) => server.WithDbAsync(async db =>
    {
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, ManyProjects).Select(i => (i, Id: Guid.NewGuid(), Keys: SearchRanking.ClassifierKeys(
            new[] { i % 2 == 0 ? "Framework :: Django :: 5.0" : null, i % 3 == 0 ? "Topic :: Utilities" : null }.OfType<string>()))).ToList();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Projects.AddRange(rows.Select(r => new Project { Id = r.Id, Name = ManyName(w, r.i), NormalizedName = ManyName(w, r.i), Created = start.AddMinutes(r.i) }));
        await db.SaveChangesAsync();
        await db.BulkInsertAsync(rows.Select(r => new SearchDocument
        {
            ProjectId = r.Id, Name = ManyName(w, r.i), NormalizedName = ManyName(w, r.i), Version = "1.0",
            Summary = r.i % 2 == 1 ? $"{w} odd{w}" : w, Created = start.AddMinutes(r.i),
            ClassifierTerms = r.Keys.Count == 0 ? null : SearchRanking.ClassifierTerms(r.Keys),
        }).ToList(), default);
        await db.BulkInsertAsync(rows.SelectMany(r => r.Keys.Select(k => new SearchClassifier { Classifier = k, ProjectId = r.Id })).ToList(), default);
        await tx.CommitAsync();
        return 0;
    });
}
