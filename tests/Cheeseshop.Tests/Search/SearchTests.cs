using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Search;

/// <summary>
/// /search/ over real uploads: what is found and in which order, the classifier filter, paging and refused
/// input, and that yanks and removals change what is found in the same change as the Simple API.
/// </summary>
public sealed partial class SearchTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    /// <summary>A word no other test's projects contain (letters only, so every tokenizer keeps it whole).</summary>
    private static string Word() => "zq" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8).ToArray()).PadRight(8, 'x');

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Finds_by_name_summary_keywords_and_description_with_the_exact_name_first(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var w = Word();
        await UploadAsync(server, token, $"{w}-tools", "1.0", summary: $"Tools for {w} people");
        await UploadAsync(server, token, $"other-{w}x", "1.0", summary: $"Works with {w} and cheese");
        await UploadAsync(server, token, $"kw-{w}x", "1.0", summary: "Nothing here", keywords: $"cheese,{w}");
        await UploadAsync(server, token, $"desc-{w}x", "1.0", summary: "Nothing here", description: $"A long text.\n\nIt mentions {w} once.\n");
        await UploadAsync(server, token, w, "1.0", summary: "The plain one");
        await UploadAsync(server, token, $"unrelated-{w}x", "1.0", summary: "Cheese only");

        var page = await SearchAsync(server, $"q={w}");
        var names = Names(page);
        AssertEqual(w, names.FirstOrDefault(), $"the project named exactly '{w}' comes first: {string.Join(", ", names)}");
        AssertEqual(5, names.Count, $"projects found for {w}: {string.Join(", ", names)}");
        AssertEqual($"desc-{w}x", names[^1], "a match in the description alone ranks last");
        AssertContains("5 projects", page, "the count");
        AssertContains("The plain one", page, "a summary in the results");
        AssertContains(DateTime.UtcNow.ToString("yyyy-MM-dd"), page, "the release date");

        // The exact name is found in any of its forms, and lifted over better text matches.
        AssertEqual($"{w}-tools", Names(await SearchAsync(server, $"q={w.ToUpperInvariant()}_Tools")).FirstOrDefault(), "a non-normalized exact name");
        // Two words must both match; a quoted phrase must match as a phrase.
        AssertNames(new[] { $"other-{w}x" }, Names(await SearchAsync(server, $"q=cheese+{w}+works")), "every word must match");
        AssertNames(new[] { $"other-{w}x" }, Names(await SearchAsync(server, $"q=%22works+with+{w}%22")), "a quoted phrase");
        AssertEqual(0, Names(await SearchAsync(server, $"q=%22{w}+works%22")).Count, "a phrase in the wrong order");
        // Full-text syntax of either database is only words here: never an error.
        foreach (var hostile in new[] { $"{w}*", $"{w} OR NOT", $"\"{w}", $"{w}:*", $"({w}) & !x | y <-> z", $"NEAR({w} x)", "'\"'\"", "^*-:" })
            AssertStatus(200, await SearchAsync(server, "q=" + Uri.EscapeDataString(hostile)), $"searching for {hostile}");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Filters_by_classifier_and_orders_newest_first(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var w = Word();
        await UploadAsync(server, token, $"django-{w}x", "1.0", summary: $"{w} for Django", classifiers: ["Framework :: Django :: 5.0", "Topic :: Utilities"]);
        await UploadAsync(server, token, $"flask-{w}x", "1.0", summary: $"{w} for Flask", classifiers: ["Framework :: Flask"]);
        await UploadAsync(server, token, $"plain-{w}x", "1.0", summary: $"{w} alone");

        AssertNames(new[] { $"django-{w}x" }, Names(await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Django")), "a parent classifier finds its children");
        AssertNames(new[] { $"django-{w}x" }, Names(await SearchAsync(server, $"q={w}&c=Framework::Django::5.0")), "the whole classifier, spaced otherwise");
        AssertEqual(0, Names(await SearchAsync(server, $"q={w}&c=Framework+%3A%3A+Djan")).Count, "a classifier is not a text prefix");
        AssertNames(new[] { $"django-{w}x", $"flask-{w}x" }, Names(await SearchAsync(server, $"q={w}&c=Framework")).Order().ToArray(), "a top-level classifier");
        AssertNames(new[] { $"django-{w}x" }, Names(await SearchAsync(server, $"q={w}&c=Framework&c=Topic+%3A%3A+Utilities")), "every classifier must match");
        var filtered = await SearchAsync(server, $"c=Framework+%3A%3A+Flask&c=Framework");
        Assert.Contains($"flask-{w}x", Names(filtered));
        AssertContains("Filtered by", filtered, "the applied filters");

        var newest = Names(await SearchAsync(server, $"q={w}&o=-created"));
        AssertNames(new[] { $"plain-{w}x", $"flask-{w}x", $"django-{w}x" }, newest.ToArray(), "o=-created: the newest release first");
        var unknown = await SearchAsync(server, $"q={w}&o=-downloads");
        AssertContains("is not an order this index knows", unknown, "an unknown order");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Equal_matches_are_listed_by_name(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var w = Word();
        var suffix = Word();
        // Names alike in length and words, the same summary: the same score. Uploaded in neither name order nor
        // its reverse, so only the tie-break by name lists them so.
        foreach (var letters in new[] { "pp", "kk", "mm" })
            await UploadAsync(server, token, $"tie-{letters}-{suffix}", "1.0", summary: $"Same {w} summary");

        AssertNames(new[] { $"tie-kk-{suffix}", $"tie-mm-{suffix}", $"tie-pp-{suffix}" }, Names(await SearchAsync(server, $"q={w}")),
            "equal matches by relevance, ties broken by name");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Yanks_and_removals_change_what_is_found_at_once(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var w = Word();
        var project = $"yanky-{w}x";
        await UploadAsync(server, token, project, "1.0", summary: $"first {w}");
        await UploadAsync(server, token, project, "2.0", summary: $"second {w}");
        await UploadAsync(server, token, project, "3.0rc1", summary: $"candidate {w}");
        await AssertFoundAsAsync(server, w, project, "2.0", "second", "a final release is found before a newer pre-release");

        AssertSucceeded(await CliAsync(server, "releases", "yank", project, "2.0", "--reason", "broken"), "yank 2.0");
        await AssertFoundAsAsync(server, w, project, "1.0", "first", "after yanking 2.0");
        AssertEqual(0, Names(await SearchAsync(server, $"q=second+{w}")).Count, "the yanked release's summary is not searched");

        AssertSucceeded(await CliAsync(server, "releases", "remove", project, "1.0"), "remove 1.0");
        await AssertFoundAsAsync(server, w, project, "3.0rc1", "candidate", "with only a pre-release left unyanked");
        AssertSucceeded(await CliAsync(server, "files", "remove", project, WheelName(project, "3.0rc1")), "remove the pre-release's only file");
        AssertEqual(0, Names(await SearchAsync(server, $"q={w}")).Count, "a project with no unyanked release with files is not found");

        AssertSucceeded(await CliAsync(server, "releases", "unyank", project, "2.0"), "unyank 2.0");
        await AssertFoundAsAsync(server, w, project, "2.0", "second", "after unyanking 2.0");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Pages_and_refuses_bad_input_with_a_reason(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var w = Word();
        await UploadAsync(server, token, w, "1.0", summary: "exact");
        for (var i = 0; i < 44; i++) await UploadAsync(server, token, $"{w}-n{i:D2}", "1.0", summary: $"number {i}");

        var pages = new List<List<string>>();
        for (var p = 1; p <= 3; p++)
        {
            var page = await SearchAsync(server, $"q={w}&page={p}");
            AssertStatus(200, page, $"page {p}");
            AssertContains($"Page {p} of 3", page, $"page {p}'s navigation");
            pages.Add(Names(page));
        }
        AssertEqual(w, pages[0][0], "the exact name opens page 1");
        AssertEqual("20 20 5", string.Join(' ', pages.Select(p => p.Count)), "results per page");
        AssertEqual(45, pages.SelectMany(p => p).Distinct().Count(), "every project once across the pages");
        Assert.Contains("rel=\"next\"", (await SearchAsync(server, $"q={w}&page=2")).Html);

        var past = await SearchAsync(server, $"q={w}&page=4");
        AssertStatus(404, past, "a page past the last");
        AssertContains("There is no page 4 of this search: it has 3 pages.", past, "the reason");
        var far = await SearchAsync(server, $"q={w}&page=2147483647");
        AssertStatus(404, far, "the largest page number");
        AssertStatus(400, await SearchAsync(server, $"q={w}&page=99999999999999999999"), "a page number too large to be one");
        AssertContains("'page' must be an integer.", await SearchAsync(server, $"q={w}&page=two"), "a page that is no number");
        AssertContains("'page' must be 1 or more.", await SearchAsync(server, $"q={w}&page=0"), "page 0");
        var huge = await SearchAsync(server, "q=" + new string('x', 1001));
        AssertStatus(413, huge, "a query over 1000 characters");
        AssertContains("Query string too long", huge, "the reason for the long query");
        AssertStatus(400, await SearchAsync(server, "q=" + string.Join('+', Enumerable.Range(0, 17).Select(i => $"w{i}"))), "seventeen words");
        var none = await SearchAsync(server, "q=zzzznothingmatchesthis");
        AssertStatus(200, none, "a search with no results");
        AssertContains("No project matches “zzzznothingmatchesthis”", none, "no results");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_private_index_asks_for_credentials(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string?> { ["CHEESESHOP_Access__Read"] = "authenticated" });
        Watch(server);
        await server.CreateUserAsync("reader-se", Password);
        var token = await server.CreateTokenAsync("reader-se");
        var w = Word();
        await UploadAsync(server, token, w, "1.0", summary: "private");
        using var anonymous = await server.Http.GetAsync($"search/?q={w}");
        AssertEqual(HttpStatusCode.Unauthorized, anonymous.StatusCode, "an anonymous search of a private index");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"search/?q={w}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("reader-se:" + Password)));
        using var allowed = await server.Http.SendAsync(request);
        AssertEqual(HttpStatusCode.OK, allowed.StatusCode, "a search with a username and password");
        Assert.Contains($"/project/{w}/", await allowed.Content.ReadAsStringAsync());
    }

    private void AssertNames(string[] expected, IEnumerable<string> actual, string what) =>
        AssertEqual(string.Join(", ", expected), string.Join(", ", actual), what);

    private async Task AssertFoundAsAsync(CheeseshopServer server, string w, string project, string version, string summaryWord, string what)
    {
        var page = await SearchAsync(server, $"q={w}");
        AssertNames(new[] { project }, Names(page), what);
        AssertContains($"{project} {version}", page, $"{what}: the version shown");
        AssertContains($"{summaryWord} {w}", page, $"{what}: the summary shown");
    }

    private static async Task<PageResponse> SearchAsync(CheeseshopServer server, string query)
    {
        using var response = await server.Http.GetAsync("search/?" + query);
        return new PageResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), null, response);
    }

    private static List<string> Names(PageResponse page) =>
        ResultLink().Matches(page.Html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>A wheel uploaded as twine sends it, with the metadata search reads.</summary>
    private static async Task UploadAsync(CheeseshopServer server, string token, string name, string version,
        string? summary = null, string? keywords = null, string? description = null, string[]? classifiers = null)
    {
        var overrides = new Dictionary<string, string> { ["summary"] = summary ?? "" };
        if (keywords is not null) overrides["keywords"] = keywords;
        if (description is not null) overrides["description"] = description;
        using var form = UploadForm(name, version, WheelName(name, version), Wheel(name, version), overrides: overrides);
        foreach (var c in classifiers ?? []) form.Add(new StringContent(c), "classifiers");
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form };
        request.Headers.Authorization = Token(token);
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"uploading {name} {version}: {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    [GeneratedRegex("<a href=\"/project/([^/\"]+)/\">")]
    private static partial Regex ResultLink();
}
