using Cheeseshop.Tests.Harness;
using Cheeseshop.Tests.Infrastructure;
using OpenQA.Selenium;

namespace Cheeseshop.Tests.Browse;

/// <summary>
/// A visitor in a real browser (headless chromium): a project uploaded with twine, then the home page,
/// the project page (its README and its files' digests as shown), the maintainer's page and the sign-in
/// page, each checked by axe-core; and READMEs written to attack the page, which must run nothing,
/// fetch nothing from elsewhere and still show their text. The page tests over HTTP cover both
/// databases for the rest; the hostile READMEs run on both here too.
/// </summary>
[LongRunning]
public sealed partial class BrowserWalkTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private const string MarkdownReadme =
        "# Cheese for browsers\n\nA *fine* package, read in a real browser.\n\n## Usage\n\n| flavour | age |\n|---|---|\n| gouda | 12 |\n\n" +
        "```python\nimport cheese_readme\n```\n";

    private void AssertAccessible(BrowserSession browser, string page)
    {
        var violations = browser.Axe();
        foreach (var v in violations) Log($"axe on {page}: {v}");
        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core on {page}:\n{string.Join("\n", serious)}");
    }

    private void Visit(BrowserSession browser, string page, string expectedTitle)
    {
        AssertEqual(expectedTitle, browser.Driver.Title, $"title of the {page}");
        Log("screenshot " + browser.Screenshot($"walk-{page}"));
        AssertAccessible(browser, page);
    }

    [Fact]
    public async Task A_visitor_finds_a_project_reads_its_readme_and_digests_and_meets_its_maintainer()
    {
        var server = await ServerAsync(Database.Sqlite);
        var token = await UploaderAsync(server, "walker-bw");
        var built = await BuildAsync("cheese-readme", "1.0", "-bw",
            new Dictionary<string, string> { ["README"] = MarkdownReadme, ["README_TYPE"] = "text/markdown" });
        await UploadAsync(server, token, built);
        using var browser = BrowserSession.Start();

        browser.Open(server.BaseUrl + "/");
        Visit(browser, "home", "Home · Cheeseshop");
        Assert.Matches(@"^\d+ projects? \d+ releases? \d+ files? \d+ users?$", browser.Driver.FindElement(By.CssSelector(".counts")).Text.Replace("\n", " "));
        browser.Driver.FindElement(By.LinkText("cheese-readme-bw 1.0")).Click();

        Visit(browser, "release", "cheese-readme-bw 1.0 · Cheeseshop");
        AssertEqual("cheese-readme-bw 1.0", browser.Driver.FindElement(By.TagName("h1")).Text, "heading");
        var readme = browser.Driver.FindElement(By.CssSelector(".readme"));
        AssertEqual("Usage", readme.FindElement(By.TagName("h2")).Text, "the README's own heading");
        Assert.Contains("A fine package, read in a real browser.", readme.Text);
        AssertEqual("gouda", readme.FindElement(By.CssSelector("td")).Text, "the README's table");
        // The digests a user would compare with their download.
        var files = browser.Driver.FindElements(By.CssSelector(".file"));
        AssertEqual(2, files.Count, "files shown");
        foreach (var path in built.Files)
        {
            var file = files.Single(f => f.FindElement(By.TagName("h3")).Text == Path.GetFileName(path));
            var digests = file.FindElements(By.CssSelector(".digests dd")).Select(d => d.Text).ToList();
            AssertEqual(Sha256Of(path), digests[0], $"SHA256 of {Path.GetFileName(path)} as shown");
            AssertEqual(PageClient.Md5(File.ReadAllBytes(path)), digests[1], $"MD5 of {Path.GetFileName(path)}");
            AssertEqual(PageClient.Blake2b256(File.ReadAllBytes(path)), digests[2], $"BLAKE2b-256 of {Path.GetFileName(path)}");
        }
        // The one script (an external file, allowed by the policy) showed the copy button.
        Assert.True(browser.Driver.FindElement(By.CssSelector("button[data-copy]")).Displayed, "the copy button is shown once the script runs");
        AssertEqual("pip install cheese-readme-bw==1.0", browser.Driver.FindElement(By.Id("install-command")).Text, "install command");

        // On a phone the page is one column and nothing runs off the side; printed, it is the content alone.
        browser.Resize(375, 800);
        Assert.False(browser.ScrollsSideways(), "the release page at 375 pixels scrolls sideways");
        Log("screenshot " + browser.Screenshot("walk-release-phone"));
        browser.Resize(1280, 1000);
        browser.EmulatePrint(true);
        Assert.False(browser.Driver.FindElement(By.CssSelector(".site-header")).Displayed, "the header when printed");
        Assert.False(browser.Driver.FindElement(By.CssSelector("button[data-copy]")).Displayed, "the copy button when printed");
        Assert.True(browser.Driver.FindElement(By.CssSelector(".readme")).Displayed, "the README when printed");
        browser.EmulatePrint(false);

        browser.Open(server.BaseUrl + "/project/cheese-readme-bw/");
        Visit(browser, "project", "cheese-readme-bw · Cheeseshop");
        browser.Driver.FindElement(By.LinkText("walker-bw")).Click();
        Visit(browser, "user", "walker-bw · Cheeseshop");
        Assert.Contains("cheese-readme-bw", browser.Driver.FindElement(By.TagName("main")).Text);

        browser.Open(server.BaseUrl + "/account/login");
        Visit(browser, "login", "Sign in · Cheeseshop");

        Assert.Empty(browser.ForeignRequests(server.BaseUrl));
        var blocked = browser.ConsoleMessages().Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(blocked.Count == 0, "the pages' own content breaks no rule of their policy:\n" + string.Join("\n", blocked));
    }

    private static string HostileMarkdown(string elsewhere) => $"""
        # Hostile README

        Hostile text survives in Markdown.

        <script>alert('md-script'); document.title = 'owned';</script>
        <script src="{elsewhere}/script.js"></script>
        <img src="{elsewhere}/img.png" onerror="alert('md-onerror')" alt="picture">
        <img src="x" onerror="alert('md-onerror-2')" alt="broken">
        <iframe src="{elsewhere}/frame"></iframe>
        <form action="{elsewhere}/form"><input name="q"><button>Send</button></form>
        <a href="javascript:alert('md-link')">click me</a> and [another](javascript:alert('md-link-2'))
        <div onclick="alert('div')" style="background:url({elsewhere}/bg.png)">styled text</div>
        <style>body {"{"} background: url({elsewhere}/body.png) {"}"}</style>
        <link rel="stylesheet" href="{elsewhere}/link.css">
        <object data="{elsewhere}/object"></object>
        <svg onload="alert('svg')"><image href="{elsewhere}/svg.png"/></svg>
        <meta http-equiv="refresh" content="0;url={elsewhere}/refresh">
        <base href="{elsewhere}/">
        <a href="data:text/html,<script>alert('data')</script>">data link</a>
        """;

    private static string HostileRst(string elsewhere) => $"""
        Hostile README
        ==============

        Hostile text survives in reStructuredText.

        .. raw:: html

           <script>alert('rst-raw')</script>
           <img src="{elsewhere}/raw.png" onerror="alert('rst-onerror')">

        `click me <javascript:alert('rst-link')>`_ and <script>alert('rst-inline')</script>

        .. image:: {elsewhere}/image.png

        evil_ and `data <data:text/html,hi>`_

        .. _evil: javascript:alert('rst-target')
        """;

    // Rendering and sanitizing happen in code; the database only keeps the text.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task Hostile_readmes_run_nothing_fetch_nothing_elsewhere_and_still_show_their_text(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        using var elsewhere = new TrapServer();
        var suffix = $"-hostile-{db}".ToLowerInvariant();
        var markdown = await BuildAsync("cheese-readme", "1.0", suffix,
            new Dictionary<string, string> { ["README"] = HostileMarkdown(elsewhere.Origin), ["README_TYPE"] = "text/markdown" });
        var rst = await BuildAsync("cheese-readme", "2.0", suffix,
            new Dictionary<string, string> { ["README"] = HostileRst(elsewhere.Origin), ["README_TYPE"] = "text/x-rst" });
        await UploadAsync(server, token, markdown, rst);
        using var browser = BrowserSession.Start();

        foreach (var (version, survivor) in new[] { ("1.0", "Hostile text survives in Markdown."), ("2.0", "Hostile text survives in reStructuredText.") })
        {
            browser.Open($"{server.BaseUrl}/project/cheese-readme{suffix}/{version}/");
            await Task.Delay(500); // time for anything that would run after the load
            AssertEqual(null, browser.OpenDialog(), $"a dialog opened on {version}");
            Log("screenshot " + browser.Screenshot($"hostile-{db}-{version}"));
            AssertEqual($"cheese-readme{suffix} {version} · Cheeseshop", browser.Driver.Title, $"title of {version}");
            var readme = browser.Driver.FindElement(By.CssSelector(".readme"));
            Assert.Contains(survivor, readme.Text);
            Assert.Empty(readme.FindElements(By.CssSelector("script, iframe, object, embed, form, style, link, meta, base, [onerror], [onclick], [onload], [style]")));
            Assert.Empty(browser.Driver.FindElements(By.CssSelector("a[href^='javascript:'], a[href^='data:']")));
        }
        Assert.Contains("click me", browser.Driver.FindElement(By.CssSelector(".readme")).Text);
        Assert.Empty(browser.ForeignRequests(server.BaseUrl));
        Assert.True(elsewhere.Requests.IsEmpty, "requests reached the other origin: " + string.Join(", ", elsewhere.Requests));
    }
}
