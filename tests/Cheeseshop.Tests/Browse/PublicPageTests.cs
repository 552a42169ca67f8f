using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Browse.PageClient;

namespace Cheeseshop.Tests.Browse;

/// <summary>The public pages over HTTP, on both databases: project and release pages, redirects and
/// 404s, the home and user pages, the feeds, the built-in files and the headers every page carries.</summary>
public sealed class PublicPageTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static void AssertPageHeaders(HttpResponseMessage response, string what)
    {
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.True(csp.Contains("frame-ancestors 'none'") && csp.Contains("script-src 'self'") && !csp.Contains("unsafe-inline"),
            $"{what}: Content-Security-Policy {csp}");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Project_page_shows_the_release_its_readme_files_history_and_sidebar(Database db)
    {
        var server = await ServerAsync(db);
        var owner = $"pp-owner-{db}".ToLowerInvariant();
        var token = await UploaderAsync(server, owner);
        var project = $"pp-cheese-{db}".ToLowerInvariant();
        var old = await PublishAsync(server, token, project, "1.0", RichMetadata(project, "1.0", MarkdownReadme));
        var wheel = await PublishAsync(server, token, project, "2.0", RichMetadata(project, "2.0", MarkdownReadme));
        await PublishAsync(server, token, project, "3.0b1", RichMetadata(project, "3.0b1", "beta"));

        using var response = await GetAsync(server, $"project/{project}/");
        var html = await response.Content.ReadAsStringAsync();
        AssertEqual(HttpStatusCode.OK, response.StatusCode, "project page status");
        AssertEqual("text/html", response.Content.Headers.ContentType?.MediaType, "content type");
        AssertPageHeaders(response, "project page");
        Assert.Contains($"<title>{project} · Cheeseshop</title>", html);
        Assert.Contains($"<h1>{project} 2.0</h1>", html); // the latest final release, not the pre-release
        Assert.Contains("Cheese for " + project + " &amp; friends", html);
        Assert.Contains($">pip install {project}</code>", html);
        // The README, rendered from Markdown.
        Assert.Contains("<h2>Usage</h2>", html);
        Assert.Contains("<td>gouda</td>", html);
        Assert.Contains("<pre><code>import cheese\n</code></pre>", html);
        Assert.Contains("<a href=\"https://docs.example/cheese\" rel=\"nofollow\">the docs</a>", html);
        // Files with size and digests as the user sees them.
        Assert.Contains(Sha256(wheel), html);
        Assert.Contains(Md5(wheel), html);
        Assert.Contains(Blake2b256(wheel), html);
        Assert.DoesNotContain(Sha256(old), html); // only the shown release's files
        Assert.Contains("Python: <code>py3</code>", html);
        // History, newest first, with the pre-release marked.
        Assert.Matches(new Regex($"3\\.0b1</a>.*pre-release.*2\\.0</a>.*1\\.0</a>", RegexOptions.Singleline), html);
        // Sidebar: license, Requires-Python, links (nofollow; a javascript: URL is not a link), classifiers, keywords, maintainers.
        Assert.Contains("<strong>License:</strong> MIT", html);
        Assert.Contains("Python &gt;=3.8", html);
        Assert.Contains("<a href=\"https://code.example/cheese\" rel=\"nofollow\">Source</a>", html);
        Assert.DoesNotContain("href=\"javascript:", html);
        Assert.Contains("<li>Framework :: Django</li>", html);
        Assert.Contains("cheese, dairy, wheels", html);
        Assert.Contains($"<a href=\"/user/{owner}/\">{owner}</a>", html);
        Assert.DoesNotContain("private@example.com", html);

        // The same bytes come from the cache with an ETag; the validator gives a 304.
        var etag = response.Headers.ETag!.Tag;
        using (var again = await GetAsync(server, $"project/{project}/", ifNoneMatch: etag))
            AssertEqual(HttpStatusCode.NotModified, again.StatusCode, "If-None-Match with the page's ETag");

        // A yank shows at once (the serial drops the cached page), with its reason, and the release page says so.
        AssertSucceeded(await server.RunCliAsync("releases", "yank", project, "1.0", "--reason", "Broken <build>"), "yank");
        var after = await TextAsync(server, $"project/{project}/");
        Assert.Matches(new Regex("1\\.0</a>.*yanked.*Reason: Broken &lt;build&gt;", RegexOptions.Singleline), after);
        using (var stale = await GetAsync(server, $"project/{project}/", ifNoneMatch: etag))
            AssertEqual(HttpStatusCode.OK, stale.StatusCode, "the old ETag after a yank");
        var release = await TextAsync(server, $"project/{project}/1.0/");
        Assert.Contains($"<title>{project} 1.0 · Cheeseshop</title>", release);
        Assert.Contains("This release has been yanked.", release);
        Assert.Contains($">pip install {project}==1.0</code>", release);
        Assert.Contains(Sha256(old), release);
        Assert.Contains("A newer version is available", release);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Names_and_versions_redirect_to_their_canonical_urls_and_unknown_ones_are_404_pages(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        var project = $"pp-redirect-{db}".ToLowerInvariant();
        await PublishAsync(server, token, project, "1.0", RichMetadata(project, "1.0", "Title\n=====\n\nSome *RST*.", "text/x-rst"));

        async Task Redirects(string from, string to)
        {
            using var r = await GetAsync(server, from);
            AssertEqual(HttpStatusCode.MovedPermanently, r.StatusCode, $"GET {from}");
            AssertEqual(to, r.Headers.Location?.OriginalString, $"Location of {from}");
        }
        var upper = project.ToUpperInvariant().Replace('-', '_');
        await Redirects($"project/{upper}/", $"/project/{project}/");
        await Redirects($"project/{project}", $"/project/{project}/");
        await Redirects($"project/{upper}/1.0/", $"/project/{project}/1.0/");
        await Redirects($"project/{project}/1.0.0/", $"/project/{project}/1.0/");
        await Redirects($"rss/project/{upper}/releases.xml", $"/rss/project/{project}/releases.xml");

        var page = await TextAsync(server, $"project/{project}/1.0/");
        Assert.Contains("<h1>Title</h1>", page); // the README, from reStructuredText
        Assert.Contains("<em>RST</em>", page);

        foreach (var missing in new[] { "project/pp-no-such-project/", $"project/{project}/9.9/", $"project/{project}/not-a-version/", "user/pp-no-such-user/" })
        {
            using var r = await GetAsync(server, missing);
            AssertEqual(HttpStatusCode.NotFound, r.StatusCode, $"GET {missing}");
            AssertEqual("text/html", r.Content.Headers.ContentType?.MediaType, $"404 page of {missing}");
            AssertPageHeaders(r, $"404 page of {missing}");
            Assert.Contains("<title>Not found · Cheeseshop</title>", await r.Content.ReadAsStringAsync());
        }

        // The JSON API's links lead to these pages.
        var json = System.Text.Json.JsonDocument.Parse(await TextAsync(server, $"pypi/{project}/json")).RootElement.GetProperty("info");
        foreach (var field in new[] { "project_url", "package_url", "release_url" })
        {
            using var client = new HttpClient();
            using var r = await client.GetAsync(json.GetProperty(field).GetString());
            AssertEqual(HttpStatusCode.OK, r.StatusCode, $"{field} {json.GetProperty(field).GetString()}");
            AssertEqual("text/html", r.Content.Headers.ContentType?.MediaType, $"{field} content type");
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Home_user_pages_and_feeds_show_what_was_published(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db);
        Watch(server);
        var token = await UploaderAsync(server, "pp-home-user");
        await PublishAsync(server, token, "pp-home-a", "1.0", RichMetadata("pp-home-a", "1.0", MarkdownReadme));
        await PublishAsync(server, token, "pp-home-a", "1.1", RichMetadata("pp-home-a", "1.1", MarkdownReadme));
        await PublishAsync(server, token, "pp-home-b", "0.1", RichMetadata("pp-home-b", "0.1", "x"));

        using var homeResponse = await GetAsync(server, "/");
        AssertPageHeaders(homeResponse, "home page");
        var home = await homeResponse.Content.ReadAsStringAsync();
        Assert.Contains("<title>Home · Cheeseshop</title>", home);
        Assert.Contains("<form action=\"/search/\" method=\"get\" role=\"search\">", home);
        Assert.Contains("<strong>2</strong> projects", home);
        Assert.Contains("<strong>3</strong> releases", home);
        Assert.Contains("<strong>3</strong> files", home);
        Assert.Contains("<strong>1</strong> user</li>", home);
        Assert.Matches(new Regex("pp-home-b 0\\.1</a>.*pp-home-a 1\\.1</a>.*pp-home-a 1\\.0</a>", RegexOptions.Singleline), home);

        var user = await TextAsync(server, "user/pp-home-user/");
        Assert.Contains("<title>pp-home-user · Cheeseshop</title>", user);
        Assert.Contains("<a href=\"/project/pp-home-a/\">pp-home-a</a>", user);
        Assert.Contains("<a href=\"/project/pp-home-b/\">pp-home-b</a>", user);
        Assert.Contains("Joined " + DateTime.UtcNow.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), user);
        Assert.DoesNotContain("@example.com", user);
        using (var upper = await GetAsync(server, "user/PP-Home-User/"))
            AssertEqual("/user/pp-home-user/", upper.Headers.Location?.OriginalString, "a user name in another case");

        var updates = XDocument.Parse(await TextAsync(server, "rss/updates.xml")).Root!.Element("channel")!;
        Assert.Equal(["pp-home-b 0.1", "pp-home-a 1.1", "pp-home-a 1.0"], updates.Elements("item").Select(i => i.Element("title")!.Value));
        var first = updates.Elements("item").First();
        AssertEqual($"{server.BaseUrl}/project/pp-home-b/0.1/", first.Element("link")!.Value, "item link");
        AssertEqual("Cheese for pp-home-b & friends", first.Element("description")!.Value, "item description");
        Assert.EndsWith(" GMT", first.Element("pubDate")!.Value);
        var packages = XDocument.Parse(await TextAsync(server, "rss/packages.xml")).Root!.Element("channel")!;
        Assert.Equal(["pp-home-b added to Cheeseshop", "pp-home-a added to Cheeseshop"], packages.Elements("item").Select(i => i.Element("title")!.Value));
        AssertEqual($"{server.BaseUrl}/project/pp-home-a/", packages.Elements("item").Last().Element("guid")!.Value, "guid");
        var releases = XDocument.Parse(await TextAsync(server, "rss/project/pp-home-a/releases.xml")).Root!.Element("channel")!;
        Assert.Equal(["1.1", "1.0"], releases.Elements("item").Select(i => i.Element("title")!.Value));
        AssertEqual($"{server.BaseUrl}/project/pp-home-a/", releases.Element("link")!.Value, "channel link");

        // A new release shows on the cached home page and feed at once.
        await PublishAsync(server, token, "pp-home-b", "0.2", RichMetadata("pp-home-b", "0.2", "x"));
        Assert.Contains("pp-home-b 0.2</a>", await TextAsync(server, "/"));
        Assert.Contains("pp-home-b 0.2", await TextAsync(server, "rss/updates.xml"));
    }

    [Fact]
    public async Task Stylesheet_script_and_favicon_are_named_by_their_content_and_kept_for_a_year()
    {
        var server = await ServerAsync(Database.Sqlite);
        var login = await TextAsync(server, "account/login");
        foreach (var (pattern, type) in new[] { ("/static/site\\.([0-9a-f]{16})\\.css", "text/css"), ("/static/favicon\\.([0-9a-f]{16})\\.svg", "image/svg+xml") })
        {
            var match = Regex.Match(login, pattern);
            Assert.True(match.Success, $"the login page links {pattern}");
            using var r = await GetAsync(server, match.Value);
            AssertEqual(HttpStatusCode.OK, r.StatusCode, match.Value);
            AssertEqual(type, r.Content.Headers.ContentType?.MediaType, $"type of {match.Value}");
            Assert.Contains("immutable", r.Headers.CacheControl!.ToString());
            AssertEqual(31536000.0, r.Headers.CacheControl!.MaxAge!.Value.TotalSeconds, "max-age");
            AssertEqual(match.Groups[1].Value, Sha256(await r.Content.ReadAsByteArrayAsync())[..16], "the name carries the content's hash");
        }
        var home = await TextAsync(server, "/");
        var script = Regex.Match(home, "<script src=\"(/static/copy\\.[0-9a-f]{16}\\.js)\" defer></script>");
        Assert.True(script.Success, "the one script is an external file");
        Assert.DoesNotMatch("<script>|<style|style=\"| on[a-z]+=\"", home + login);
        using (var stale = await GetAsync(server, "static/site.0000000000000000.css"))
            AssertEqual(HttpStatusCode.NotFound, stale.StatusCode, "a name with another hash");
        using var favicon = await GetAsync(server, "favicon.ico");
        AssertEqual("image/svg+xml", favicon.Content.Headers.ContentType?.MediaType, "/favicon.ico");
        // The account pages carry the same policy, and no inline style either.
        using var loginResponse = await GetAsync(server, "account/login");
        AssertPageHeaders(loginResponse, "login page");
    }
}
