using System.Net;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Tests.Upstream;

/// <summary>
/// One index-url for everything: a second Cheeseshop started by the test is the upstream (no internet here).
/// Real pip installs an upstream-only project and its upstream dependency through the proxy, and again from
/// the cache once the upstream is stopped; a local project shadows the upstream's project of the same name
/// until an administrator merges them (PEP 708 tracks); a tampered upstream file is refused and nothing of it
/// is stored.
/// </summary>
[LongRunning]
public sealed class UpstreamProxyTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static Dictionary<string, string> Proxying(string upstreamSimpleUrl, int cacheSeconds = 600) => new()
    {
        ["CHEESESHOP_Upstream__Url"] = upstreamSimpleUrl,
        ["CHEESESHOP_Upstream__CacheSeconds"] = cacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CHEESESHOP_Upstream__TimeoutSeconds"] = "10",
    };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Pip_installs_upstream_projects_through_the_proxy_and_from_its_cache_when_the_upstream_is_down(Database db)
    {
        var upstream = await CheeseshopServer.StartAsync(Database.Sqlite);
        Watch(upstream);
        var upToken = await UploaderAsync(upstream, "upper-px");
        await UploadAsync(upstream, upToken, await BuildAsync("cheese-alpha", "1.0", "-px"), await BuildAsync("cheese-beta", "1.0", "-px"));
        await using var proxy = await CheeseshopServer.StartAsync(db, settings: Proxying(upstream.SimpleIndexUrl, cacheSeconds: 2));
        Watch(proxy);

        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, proxy, "cheese-beta-px"), "pip install of an upstream-only project through the proxy");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-beta-px"), "cheese-beta-px");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-px"), "its upstream dependency cheese-alpha-px");
        }
        // The page points at the proxy; the proxy's own index lists local projects only.
        using var http = new HttpClient();
        using (var request = new HttpRequestMessage(HttpMethod.Get, proxy.BaseUrl + "/simple/cheese-beta-px/"))
        {
            request.Headers.Accept.ParseAdd("application/vnd.pypi.simple.v1+json");
            using var response = await http.SendAsync(request);
            AssertEqual(HttpStatusCode.OK, response.StatusCode, "the proxied JSON page");
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var urls = page.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("url").GetString()!).ToList();
            Assert.Equal(2, urls.Count);
            Assert.All(urls, u => Assert.StartsWith("/packages/upstream/cheese-beta-px/", u));
            Assert.All(page.RootElement.GetProperty("files").EnumerateArray(), f => Assert.True(f.GetProperty("size").GetInt64() > 0));
            Assert.Contains(page.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("core-metadata").ValueKind == JsonValueKind.Object);
        }
        Assert.DoesNotContain("cheese-beta-px", await http.GetStringAsync(proxy.BaseUrl + "/simple/"));
        using (var json = JsonDocument.Parse(await http.GetStringAsync(proxy.BaseUrl + "/pypi/cheese-beta-px/json")))
            AssertEqual("1.0", json.RootElement.GetProperty("info").GetProperty("version").GetString(), "the JSON API of a proxied project");
        // The project page of a proxied project: its release and files, which link to the proxy.
        using (var projectPage = await http.GetAsync(proxy.BaseUrl + "/project/cheese-beta-px/"))
        {
            AssertEqual(HttpStatusCode.OK, projectPage.StatusCode, "the project page of a proxied project");
            var html = await projectPage.Content.ReadAsStringAsync();
            Assert.Contains("cheese-beta-px 1.0", html);
            Assert.Contains("href=\"/packages/upstream/cheese-beta-px/", html);
        }

        // Stored as proxied files, never as anyone's uploads; the downloads count like local ones.
        var wheel = Path.GetFileName((await BuildAsync("cheese-alpha", "1.0", "-px")).Wheel);
        await using (var data = ServerDatabase.Open(proxy))
        {
            Assert.Contains(wheel, await data.ProxiedFiles.Select(f => f.Filename).ToListAsync());
            AssertEqual(0, await data.Files.CountAsync(), "release files on the proxy");
            AssertEqual(0, await data.Projects.CountAsync(), "projects on the proxy");
        }
        await WaitForDownloadAsync(proxy, wheel);

        // Several first downloads of one file at once: one fetch from the upstream, the same bytes for all.
        var sdist = (await BuildAsync("cheese-alpha", "1.0", "-px")).Sdist;
        var sdistUrl = $"{proxy.BaseUrl}/packages/upstream/cheese-alpha-px/{Sha256Of(sdist)}/{Path.GetFileName(sdist)}";
        var bodies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => http.GetByteArrayAsync(sdistUrl)));
        Assert.All(bodies, b => AssertEqual(Sha256Of(sdist), Sha256Of(b), "a concurrent first download"));
        await WaitForDownloadAsync(upstream, Path.GetFileName(sdist));
        await Task.Delay(1500);
        await using (var upData = ServerDatabase.Open(upstream))
            AssertEqual(1, await upData.DownloadEvents.CountAsync(e => upData.DownloadFiles.Any(f => f.Id == e.FileId && f.Filename == Path.GetFileName(sdist))),
                "downloads of the sdist from the upstream");
        // fsck counts proxied files as referenced (a repair with no grace removes none of them) and hashes
        // them against their rows: nothing to report.
        var fsck = await CliAsync(proxy, "fsck", "--repair", "--grace-minutes", "0");
        Assert.DoesNotContain("orphan", fsck.Output);
        AssertSucceeded(fsck, "fsck of the proxy's files");
        AssertEqual(Sha256Of(sdist), Sha256Of(await http.GetByteArrayAsync(sdistUrl)), "the sdist after fsck --repair");

        // The upstream goes away; past CacheSeconds the pages are stale, and still served, with the stored files.
        await upstream.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, proxy, "cheese-beta-px"), "pip install from the proxy's cache with the upstream stopped");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-px"), "cheese-alpha-px from the cache");
        }
        using var never = await http.GetAsync(proxy.BaseUrl + "/simple/cheese-gamma-px/");
        AssertEqual(HttpStatusCode.BadGateway, never.StatusCode, "a project never fetched while the upstream is down");
        Assert.Contains("could not be reached", await never.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_local_project_shadows_the_upstream_until_an_administrator_merges_them(Database db)
    {
        await using var upstream = await CheeseshopServer.StartAsync(Database.Sqlite);
        Watch(upstream);
        var upToken = await UploaderAsync(upstream, "upper-sh");
        var upstreamAlpha = await BuildAsync("cheese-alpha", "2.0", "-sh");
        await UploadAsync(upstream, upToken, upstreamAlpha);
        await using var proxy = await CheeseshopServer.StartAsync(db, settings: Proxying(upstream.SimpleIndexUrl));
        Watch(proxy);
        // Proxied (and cached) while the name is not local; the upload that creates it locally takes over at once.
        using (var before = new HttpClient())
            Assert.Contains("cheese_alpha_sh-2.0", await before.GetStringAsync(proxy.BaseUrl + "/simple/cheese-alpha-sh/"));
        var localToken = await UploaderAsync(proxy, "local-sh");
        await UploadAsync(proxy, localToken, await BuildAsync("cheese-alpha", "1.0", "-sh"));

        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, proxy, "cheese-alpha-sh"), "pip install of a name held locally and upstream");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-sh"), "the version pip got (the local one, not the upstream's 2.0)");
        }
        using var http = new HttpClient();
        var page = await http.GetStringAsync(proxy.BaseUrl + "/simple/cheese-alpha-sh/");
        Assert.DoesNotContain("2.0", page);
        Assert.DoesNotContain("pypi:tracks", page);
        // Nor can the upstream's file be fetched by its proxied URL while the name is local.
        var upstreamWheel = Path.GetFileName(upstreamAlpha.Wheel);
        using (var direct = await http.GetAsync($"{proxy.BaseUrl}/packages/upstream/cheese-alpha-sh/{Sha256Of(upstreamAlpha.Wheel)}/{upstreamWheel}"))
            AssertEqual(HttpStatusCode.NotFound, direct.StatusCode, "the upstream's file of a local name");

        AssertSucceeded(await CliAsync(proxy, "projects", "upstream", "cheese-alpha-sh", "merge"), "projects upstream merge");
        // The command returns once the running server has the change.
        page = await http.GetStringAsync(proxy.BaseUrl + "/simple/cheese-alpha-sh/");
        Assert.Contains($"<meta name=\"pypi:tracks\" content=\"{upstream.SimpleIndexUrl}cheese-alpha-sh/\">", page);
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, proxy, "cheese-alpha-sh"), "pip install of the merged project");
            AssertEqual("2.0", await InstalledVersionAsync(venv, "cheese-alpha-sh"), "the version pip got once merged");
        }
        await using var data = ServerDatabase.Open(proxy);
        AssertEqual("project.upstream", (await data.AdminAudit.SingleAsync(a => a.Subject == "cheese-alpha-sh")).Action, "the audited action");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Merged_and_proxied_pages_are_served_from_the_cache_and_switching_applies_at_once_on_every_node(Database db)
    {
        await using var upstream = await CheeseshopServer.StartAsync(Database.Sqlite);
        Watch(upstream);
        var upToken = await UploaderAsync(upstream, "upper-mc");
        await UploadAsync(upstream, upToken, await BuildAsync("cheese-alpha", "2.0", "-mc"), await BuildAsync("cheese-beta", "1.0", "-mc"));
        // A journal poll longer than the test: the switch must reach this node through the command's nudge and
        // its journal row, and reach a second node through the journal alone.
        var settings = Proxying(upstream.SimpleIndexUrl);
        settings["CHEESESHOP_JournalPollMilliseconds"] = "60000";
        await using var proxy = await CheeseshopServer.StartAsync(db, settings: settings);
        Watch(proxy);
        var localToken = await UploaderAsync(proxy, "local-mc");
        await UploadAsync(proxy, localToken, await BuildAsync("cheese-alpha", "1.0", "-mc"));
        CheeseshopServer? other = null;
        if (db == Database.Postgres)
        {
            var otherSettings = Proxying(upstream.SimpleIndexUrl);
            otherSettings["CHEESESHOP_JournalPollMilliseconds"] = "200";
            other = await CheeseshopServer.StartAsync(db, settings: otherSettings, joinPostgresDatabase: proxy.PostgresDatabase);
            Watch(other);
        }
        try
        {
            await SwitchAndReadAsync(proxy, other, upstream);
        }
        finally
        {
            if (other is not null) await other.DisposeAsync();
        }
    }

    private async Task SwitchAndReadAsync(CheeseshopServer proxy, CheeseshopServer? other, CheeseshopServer upstream)
    {
        using var http = new HttpClient();
        var cache = proxy.AppServices.GetRequiredService<Cheeseshop.Index.PageCache>();
        async Task<string> Page(CheeseshopServer server) => await http.GetStringAsync(server.BaseUrl + "/simple/cheese-alpha-mc/");
        var tracks = $"<meta name=\"pypi:tracks\" content=\"{upstream.SimpleIndexUrl}cheese-alpha-mc/\">";
        Assert.DoesNotContain("pypi:tracks", await Page(proxy));
        if (other is not null) Assert.DoesNotContain("pypi:tracks", await Page(other)); // cached there as a local page

        AssertSucceeded(await CliAsync(proxy, "projects", "upstream", "cheese-alpha-mc", "merge"), "projects upstream merge");
        var merged = await Page(proxy);
        Assert.Contains(tracks, merged);
        Assert.Contains("cheese_alpha_mc-2.0", merged);
        Assert.True(cache.Peek("cheese-alpha-mc", "upstream:Html", out _), "the merged page is kept in the page cache");
        // Served from the cache, without reading the database: a release yanked behind the server's back (no
        // journal row) does not show on the merged page.
        await using (var data = ServerDatabase.Open(proxy))
        {
            var release = await data.Releases.SingleAsync(r => r.Version == "1.0" && data.Projects.Any(p => p.Id == r.ProjectId && p.NormalizedName == "cheese-alpha-mc"));
            release.Yanked = true;
            await data.SaveChangesAsync();
        }
        AssertEqual(merged, await Page(proxy), "the merged page served again");
        if (other is not null) await EventuallyAsync(async () => (await Page(other)).Contains(tracks), "the other node's page merged through the journal");

        AssertSucceeded(await CliAsync(proxy, "projects", "upstream", "cheese-alpha-mc", "local"), "projects upstream local");
        var local = await Page(proxy);
        Assert.DoesNotContain("pypi:tracks", local);
        Assert.DoesNotContain("cheese_alpha_mc-2.0", local);
        if (other is not null) await EventuallyAsync(async () => !(await Page(other)).Contains("pypi:tracks"), "the other node's page local again through the journal");

        // A proxied project's JSON API and project page are kept in the cache beside its Simple page.
        using (var json = JsonDocument.Parse(await http.GetStringAsync(proxy.BaseUrl + "/pypi/cheese-beta-mc/json")))
            AssertEqual("1.0", json.RootElement.GetProperty("info").GetProperty("version").GetString(), "the JSON API of a proxied project");
        Assert.True(cache.Peek("cheese-beta-mc", "upstream:" + proxy.BaseUrl.TrimEnd('/'), out var jsonPage), "the proxied JSON API page is cached");
        AssertEqual("application/json", jsonPage.ContentType, "its content type");
        Assert.Contains("cheese-beta-mc", await http.GetStringAsync(proxy.BaseUrl + "/project/cheese-beta-mc/"));
        Assert.True(cache.Peek("cheese-beta-mc", "upstream:page", out _), "the proxied project page is cached");
    }

    /// <summary>Waits (a few seconds at most) for another node to see a change through its journal poll.</summary>
    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Fail($"never: {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_tampered_upstream_file_is_refused_and_nothing_is_stored()
    {
        var good = await BuildAsync("cheese-gamma-extra", "1.0", "-tp");
        var bad = await BuildAsync("cheese-alpha", "1.0", "-tp");
        var root = TempPaths.NewDirectory("tampering-upstream");
        // An HTML-only upstream: one project as it should be, one whose wheel was changed after its page was made.
        await WriteProjectAsync(root, "cheese-gamma-extra-tp", good.Wheel, Sha256Of(good.Wheel), tamper: false);
        await WriteProjectAsync(root, "cheese-alpha-tp", bad.Wheel, Sha256Of(bad.Wheel), tamper: true);
        using var server = StartTamperingUpstream(root);
        var port = server.Port;
        // An enormous page (past the 32 MiB bound) and one that never comes (past the timeout).
        Directory.CreateDirectory(Path.Combine(root, "simple", "cheese-huge-tp"));
        await File.WriteAllTextAsync(Path.Combine(root, "simple", "cheese-huge-tp", "index.html"), new string(' ', 33 * 1024 * 1024));
        var settings = Proxying($"http://127.0.0.1:{port}/simple/");
        settings["CHEESESHOP_Upstream__TimeoutSeconds"] = "3";
        await using var proxy = await CheeseshopServer.StartAsync(Database.Sqlite, settings: settings);
        Watch(proxy);

        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, proxy, "Cheese_Gamma.Extra-tp"), "pip install from an HTML upstream");
            AssertFailed(await PipInstallAsync(venv, proxy, "cheese-alpha-tp"), "pip install of a tampered file", "502");
        }
        using var http = new HttpClient();
        var wheel = Path.GetFileName(bad.Wheel);
        using (var response = await http.GetAsync($"{proxy.BaseUrl}/packages/upstream/cheese-alpha-tp/{Sha256Of(bad.Wheel)}/{wheel}"))
        {
            AssertEqual(HttpStatusCode.BadGateway, response.StatusCode, "GET of the tampered file");
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("SHA-256", body);
            Assert.Contains("nothing was stored", body);
        }
        using (var redirected = await http.GetAsync(proxy.BaseUrl + "/simple/cheese-redirect-tp/"))
        {
            AssertEqual(HttpStatusCode.BadGateway, redirected.StatusCode, "a page redirected to another plain-http host");
            Assert.Contains("not followed", await redirected.Content.ReadAsStringAsync());
        }
        foreach (var (project, expected) in new[] { ("cheese-huge-tp", "larger than"), ("cheese-slow-tp", "did not answer within 3 seconds") })
        {
            using var refused = await http.GetAsync($"{proxy.BaseUrl}/simple/{project}/");
            AssertEqual(HttpStatusCode.BadGateway, refused.StatusCode, $"the page of {project}");
            Assert.Contains(expected, await refused.Content.ReadAsStringAsync());
        }
        await using (var data = ServerDatabase.Open(proxy))
            AssertEqual(false, await data.ProxiedFiles.AnyAsync(f => f.Filename == wheel), "a row for the tampered file");
        var stored = Directory.Exists(Path.Combine(proxy.DataDir, "files", "upstream"))
            ? Directory.GetFiles(Path.Combine(proxy.DataDir, "files", "upstream"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList()
            : [];
        Assert.DoesNotContain(wheel, stored);
        Assert.Contains(Path.GetFileName(good.Wheel), stored);
        Assert.Empty(Directory.GetFiles(Path.Combine(proxy.DataDir, "tmp"), "upstream-*"));

        // The upstream learned nothing about the client: the proxy's own User-Agent, no forwarded address.
        var seen = await File.ReadAllLinesAsync(Path.Combine(root, "headers.log"));
        Assert.NotEmpty(seen);
        Assert.All(seen, line => Assert.StartsWith("Cheeseshop-upstream-proxy/", line));
        Assert.All(seen, line => Assert.DoesNotContain("forwarded", line, StringComparison.OrdinalIgnoreCase));
    }

    private async Task WaitForDownloadAsync(CheeseshopServer server, string filename)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using (var db = ServerDatabase.Open(server))
                if (await db.DownloadEvents.AnyAsync(e => db.DownloadFiles.Any(f => f.Id == e.FileId && f.Filename == filename))) return;
            if (DateTime.UtcNow > deadline) Fail($"no download event of the proxied {filename} within 15 s");
            await Task.Delay(200);
        }
    }

    private static async Task WriteProjectAsync(string root, string project, string wheel, string sha256, bool tamper)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "simple", project)).FullName;
        var files = Directory.CreateDirectory(Path.Combine(root, "files")).FullName;
        var name = Path.GetFileName(wheel);
        var bytes = await File.ReadAllBytesAsync(wheel);
        if (tamper) bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(Path.Combine(files, name), bytes);
        await File.WriteAllTextAsync(Path.Combine(dir, "index.html"),
            $"<!DOCTYPE html>\n<html><body>\n<a href=\"../../files/{name}#sha256={sha256}\" data-requires-python=\"&gt;=3.7\">{name}</a><br/>\n</body></html>\n");
    }

    /// <summary>python's http.server over the folder, logging each request's User-Agent and any forwarding
    /// header, and redirecting one project to a plain-http address of another host.</summary>
    private PythonHttpServer StartTamperingUpstream(string root)
    {
        var script = Path.Combine(root, "upstream.py");
        File.WriteAllText(script, """
            import functools, http.server, sys, time
            root, port = sys.argv[1], int(sys.argv[2])
            class Handler(http.server.SimpleHTTPRequestHandler):
                def do_GET(self):
                    forwarded = [k for k in self.headers.keys() if 'forwarded' in k.lower() or k.lower() == 'x-real-ip']
                    with open(root + '/headers.log', 'a') as log:
                        log.write(self.headers.get('User-Agent', '') + ' ' + ' '.join(forwarded) + '\n')
                    if self.path.startswith('/simple/cheese-slow-tp'):
                        time.sleep(8)
                    if self.path.startswith('/simple/cheese-redirect-tp'):
                        self.send_response(302)
                        self.send_header('Location', 'http://127.0.0.2:%d/simple/cheese-alpha-tp/' % port)
                        self.end_headers()
                        return
                    return super().do_GET()
            http.server.ThreadingHTTPServer(('127.0.0.1', port), functools.partial(Handler, directory=root)).serve_forever()
            """);
        return PythonHttpServer.Start([script, root, "{port}"], Log);
    }
}
