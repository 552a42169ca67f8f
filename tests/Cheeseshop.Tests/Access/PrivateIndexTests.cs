using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Access;

/// <summary>
/// A private company index: Access__Read=authenticated and Registration=closed. Real pip installs with
/// credentials in the index URL and fails with 401 without them; a read token installs but twine cannot
/// upload with it; an expired token is refused; sign-up answers 404.
/// </summary>
public sealed class PrivateIndexTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static readonly Dictionary<string, string> Private = new()
    {
        ["CHEESESHOP_Access__Read"] = "authenticated",
        ["CHEESESHOP_Registration"] = "closed",
    };

    private static string WithCredentials(CheeseshopServer server, string username, string secret) =>
        server.SimpleIndexUrl.Replace("http://", $"http://{Uri.EscapeDataString(username)}:{Uri.EscapeDataString(secret)}@");

    private static AuthenticationHeaderValue Basic(string username, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{secret}")));

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Pip_installs_with_credentials_and_gets_401_without(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: Private);
        Watch(server);
        var uploadToken = await UploaderAsync(server, "owner-pi");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-pi");
        await UploadAsync(server, uploadToken, alpha);
        await server.CreateUserAsync("reader-pi", Password);
        var readToken = await ReadTokenAsync(server, "reader-pi");

        using (var venv = await NewVenvAsync())
        {
            // pip reports why it skipped an index page only at -vv.
            var anonymous = await PipInstallAsync(venv, server, "-vv", "cheese-alpha-pi");
            AssertFailed(anonymous, "pip install from a private index without credentials", "401", "This index is private");
            AssertEqual(null, await InstalledVersionAsync(venv, "cheese-alpha-pi"), "installed after the refusal");
        }
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(Logged(await venv.PipInstallAsync(WithCredentials(server, "__token__", readToken), "cheese-alpha-pi")),
                "pip install with a read token in the index URL");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-pi"), "installed version (read token)");
        }
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(Logged(await venv.PipInstallAsync(WithCredentials(server, "owner-pi", Password), "cheese-alpha-pi")),
                "pip install with a username and password in the index URL");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-pi"), "installed version (password)");
        }
        using (var venv = await NewVenvAsync())
        {
            var wrong = await venv.PipInstallAsync(WithCredentials(server, "__token__", readToken + "x"), "-vv", "cheese-alpha-pi");
            AssertFailed(Logged(wrong), "pip install with a wrong token", "401", "Invalid or non-existent authentication information");
        }

        // A read token cannot upload, and twine is told why.
        var beta = await BuildAsync("cheese-beta", "1.0", "-pi");
        var refused = await TwineAsync(server, readToken, beta.Files);
        AssertFailed(refused, "twine upload with a read token", "403", "read-only");
        using var http = new HttpClient();
        var list = await http.GetAsync(server.BaseUrl + "/simple/cheese-beta-pi/",
            HttpCompletionOption.ResponseHeadersRead, default);
        AssertEqual(HttpStatusCode.Unauthorized, list.StatusCode, "an anonymous read of the refused project");
        using var asReader = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + "/simple/cheese-beta-pi/");
        asReader.Headers.Authorization = Basic("__token__", readToken);
        AssertEqual(HttpStatusCode.NotFound, (await http.SendAsync(asReader)).StatusCode, "the project the read token tried to upload");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Every_read_api_asks_for_credentials_and_answers_them_privately(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: Private);
        Watch(server);
        var uploadToken = await UploaderAsync(server, "owner-ra");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-ra");
        await UploadAsync(server, uploadToken, alpha);
        var wheelUrl = (await FilesAsync(server, uploadToken, "cheese-alpha-ra")).Single(f => f.EndsWith(".whl"));
        using var http = new HttpClient();

        var reads = new[]
        {
            "/simple/", "/simple/cheese-alpha-ra/", "/pypi/cheese-alpha-ra/json", "/pypi/cheese-alpha-ra/1.0/json",
            wheelUrl, wheelUrl + ".metadata", "/api/packages/cheese-alpha-ra/recent", "/stats/cheese-alpha-ra",
            // The pages for people are reads too.
            "/", "/project/cheese-alpha-ra/", "/project/cheese-alpha-ra/1.0/", "/user/owner-ra/",
            "/rss/updates.xml", "/rss/packages.xml", "/rss/project/cheese-alpha-ra/releases.xml",
        };
        foreach (var path in reads)
        {
            // First with credentials, so that the page cache holds the page the anonymous request must not get.
            using var authed = new HttpRequestMessage(HttpMethod.Get, Absolute(server, path));
            authed.Headers.Authorization = Basic("__token__", uploadToken);
            using var ok = await http.SendAsync(authed);
            AssertEqual(HttpStatusCode.OK, ok.StatusCode, $"GET {path} with a token");
            var cacheControl = ok.Headers.CacheControl?.ToString() ?? "";
            Assert.True(ok.Headers.CacheControl?.Private == true && !ok.Headers.CacheControl.Public,
                $"GET {path} with a token should be Cache-Control private, not public; got '{cacheControl}'");

            using var anonymous = await http.GetAsync(Absolute(server, path));
            AssertEqual(HttpStatusCode.Unauthorized, anonymous.StatusCode, $"GET {path} without credentials");
            AssertEqual("Basic realm=\"Cheeseshop\"", anonymous.Headers.WwwAuthenticate.ToString(), $"the challenge of {path}");
            var body = await anonymous.Content.ReadAsStringAsync();
            Assert.Contains("This index is private", body);
            Assert.DoesNotContain("cheese", body);
        }
        using (var rpc = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/pypi"))
        {
            rpc.Content = new StringContent("<?xml version=\"1.0\"?><methodCall><methodName>changelog_last_serial</methodName><params/></methodCall>",
                Encoding.UTF8, "text/xml");
            AssertEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(rpc)).StatusCode, "XML-RPC without credentials");
        }

        // Open: health, the sign-in page, the transparency report; uploads keep their own answer.
        AssertEqual(HttpStatusCode.OK, (await http.GetAsync(server.BaseUrl + "/health")).StatusCode, "/health");
        AssertEqual(HttpStatusCode.OK, (await http.GetAsync(server.BaseUrl + "/transparency.json")).StatusCode, "/transparency.json");
        AssertEqual(HttpStatusCode.OK, (await http.GetAsync(server.BaseUrl + "/account/login")).StatusCode, "/account/login");
        AssertEqual(HttpStatusCode.OK, (await http.GetAsync(server.BaseUrl + "/favicon.ico")).StatusCode, "/favicon.ico (the sign-in page's look)");

        // A wrong token and a wrong password are asked again, not served.
        foreach (var (user, secret) in new[] { ("__token__", uploadToken[..^2] + "xx"), ("owner-ra", "not the password") })
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + "/simple/cheese-alpha-ra/");
            wrong.Headers.Authorization = Basic(user, secret);
            using var answer = await http.SendAsync(wrong);
            AssertEqual(HttpStatusCode.Unauthorized, answer.StatusCode, $"a wrong secret for {user}");
        }

        // A token limited to a project reads that project and nothing that names others.
        var scoped = await ReadTokenAsync(server, "owner-ra", "--project", "cheese-alpha-ra");
        foreach (var (path, status) in new[]
                 {
                     ("/simple/cheese-alpha-ra/", HttpStatusCode.OK), (wheelUrl, HttpStatusCode.OK),
                     ("/simple/", HttpStatusCode.Forbidden), ("/simple/cheese-beta-ra/", HttpStatusCode.Forbidden),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Absolute(server, path));
            request.Headers.Authorization = Basic("__token__", scoped);
            AssertEqual(status, (await http.SendAsync(request)).StatusCode, $"GET {path} with a token limited to cheese-alpha-ra");
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_expired_token_is_refused_for_reads_and_uploads(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: Private);
        Watch(server);
        var uploadToken = await UploaderAsync(server, "owner-ex");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-ex");
        await UploadAsync(server, uploadToken, alpha);
        var expiring = await ReadTokenAsync(server, "owner-ex", "--scope", "upload", "--expires", "1d");
        var user = (await ServerDatabase.UserAsync(server, "owner-ex"))!;
        await using (var data = ServerDatabase.Open(server))
        {
            var expires = await data.ApiTokens.Where(t => t.UserId == user.Id && t.Expires != null).Select(t => t.Expires).SingleAsync();
            Assert.InRange(expires!.Value, DateTime.UtcNow.AddDays(1).AddMinutes(-5), DateTime.UtcNow.AddDays(1).AddMinutes(5));
            // The day passes: the row says the token ended a minute ago (the server runs on the real clock).
            // ReadCredentialCacheTests show that a remembered token is refused once its expiry passes.
            var past = DateTime.UtcNow.AddMinutes(-1);
            await data.ApiTokens.Where(t => t.UserId == user.Id && t.Expires != null).ExecuteUpdateAsync(s => s.SetProperty(t => t.Expires, past));
        }
        using (var venv = await NewVenvAsync())
        {
            var refused = await venv.PipInstallAsync(WithCredentials(server, "__token__", expiring), "-vv", "cheese-alpha-ex");
            AssertFailed(Logged(refused), "pip install with an expired token", "401", "This API token expired");
            AssertEqual(null, await InstalledVersionAsync(venv, "cheese-alpha-ex"), "installed with the expired token");
        }
        using var http = new HttpClient();
        using var read = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + "/simple/cheese-alpha-ex/");
        read.Headers.Authorization = Basic("__token__", expiring);
        using var answer = await http.SendAsync(read);
        AssertEqual(HttpStatusCode.Unauthorized, answer.StatusCode, "a read with the expired token");
        Assert.Contains("expired", await answer.Content.ReadAsStringAsync());
        using (var venv = await NewVenvAsync())
            AssertSucceeded(Logged(await venv.PipInstallAsync(WithCredentials(server, "__token__", uploadToken), "cheese-alpha-ex")),
                "pip install with the owner's token that does not expire");

        var beta = await BuildAsync("cheese-alpha", "1.1", "-ex");
        var upload = await TwineAsync(server, expiring, beta.Files);
        AssertFailed(upload, "twine upload with an expired token", "403", "expired");
        var bad = await server.RunCliAsync("tokens", "create", "owner-ex", "--expires", "forever");
        Assert.False(bad.Succeeded, "tokens create --expires forever should fail");
        Assert.Contains("is not a token lifetime", bad.Stderr + bad.Stdout);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Closed_registration_answers_404_and_the_sign_in_page_does_not_offer_it(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: Private);
        Watch(server);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var page = await http.GetAsync(server.BaseUrl + "/account/register");
        AssertEqual(HttpStatusCode.NotFound, page.StatusCode, "GET /account/register");
        Assert.Contains("accounts are created by an administrator", await page.Content.ReadAsStringAsync());
        using var post = await http.PostAsync(server.BaseUrl + "/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "sneaky-rc", ["email"] = "sneaky@example.invalid", ["password"] = Password, ["password_confirm"] = Password,
        }));
        AssertEqual(HttpStatusCode.NotFound, post.StatusCode, "POST /account/register");
        Assert.Contains("accounts are created by an administrator", await post.Content.ReadAsStringAsync());
        AssertEqual(null, await ServerDatabase.UserAsync(server, "sneaky-rc"), "the account the POST named");
        var login = await (await http.GetAsync(server.BaseUrl + "/account/login")).Content.ReadAsStringAsync();
        Assert.Contains("Forgot your password?", login);
        Assert.DoesNotContain("/account/register", login);
    }

    private async Task<string> ReadTokenAsync(CheeseshopServer server, string username, params string[] extra)
    {
        string[] args = extra.Contains("--scope") ? ["tokens", "create", username, .. extra] : ["tokens", "create", username, "--scope", "read", .. extra];
        var result = await CliAsync(server, args);
        AssertSucceeded(result, string.Join(' ', args));
        return result.Stdout.Trim();
    }

    private static string Absolute(CheeseshopServer server, string path) => path.StartsWith("http") ? path : server.BaseUrl + path;

    /// <summary>The file URLs of a project's Simple JSON page, read with a token.</summary>
    private static async Task<List<string>> FilesAsync(CheeseshopServer server, string token, string project)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/simple/{project}/");
        request.Headers.Authorization = Basic("__token__", token);
        request.Headers.Accept.ParseAdd("application/vnd.pypi.simple.v1+json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => new Uri(new Uri(server.SimpleIndexUrl + project + "/"), f.GetProperty("url").GetString()!).AbsolutePath).ToList();
    }
}
