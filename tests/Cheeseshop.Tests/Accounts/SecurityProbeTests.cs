using System.Net;
using System.Net.Sockets;
using System.Text;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// What an attacker would try first against a running server, each answered as docs/security.md says:
/// redirects through `next=` stay on the site, file URLs cannot climb out of the store, nothing a client
/// sends can add a header to a response, a session cookie planted before sign-in is not the one used
/// after it, and neither passwords nor tokens reach the server's output.
/// </summary>
public sealed class SecurityProbeTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Next_never_redirects_off_the_site(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("probe-next", db);
        await server.CreateUserAsync(name, Password);
        foreach (var next in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example/", "https:/evil.example", "javascript:alert(1)", "/\t/evil.example", "/manage/account" })
        {
            using var browser = new Browser(server, "203.0.113.140");
            var page = await browser.SubmitAsync($"/account/login?next={Uri.EscapeDataString(next)}",
                Form(("username", name), ("password", Password), ("next", next)));
            AssertStatus(302, page, $"signing in with next={next}");
            var location = page.Location ?? "";
            // Browsers drop tabs and newlines from a URL, so "/\t/host" is "//host" to them.
            var seen = string.Concat(Uri.UnescapeDataString(location).Where(c => !char.IsControl(c)));
            AssertEqual(true, seen.StartsWith('/') && !seen.StartsWith("//", StringComparison.Ordinal) && !seen.StartsWith("/\\", StringComparison.Ordinal),
                $"next={next} redirects to a path on this site, got '{location}'");
            if (next == "/manage/account") AssertEqual("/manage/account", location, "a local next is followed");
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task File_urls_cannot_climb_out_of_the_store(Database db)
    {
        var server = await ServerAsync(db);
        // Sent over a raw socket: HttpClient would resolve the dot segments itself before sending.
        foreach (var path in new[]
        {
            "/packages/../secrets/ip-hash.key", "/packages/%2e%2e/%2e%2e/secrets/ip-hash.key",
            "/packages/aa/bb/cc/..%2f..%2f..%2f..%2fsecrets%2fip-hash.key", "/packages/aa/bb/..%5c..%5c/ip-hash.key",
            "/packages/aa/bb/cc/%2e%2e%2f%2e%2e%2fcheeseshop.db", "/packages/aa/bb/cc/..%00.whl",
        })
        {
            var (status, body) = await RawGetAsync(server, path);
            AssertEqual(true, status is 400 or 404, $"GET {path} is refused (400 or 404), got {status}");
            AssertEqual(false, body.Length >= 32 && body.Contains("SQLite format", StringComparison.Ordinal), $"GET {path} does not return the database");
        }
        var key = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "secrets", "ip-hash.key"));
        var (_, keyBody) = await RawGetAsync(server, "/packages/../secrets/ip-hash.key");
        AssertEqual(false, keyBody.Contains(Encoding.Latin1.GetString(key), StringComparison.Ordinal), "the key file's bytes in any answer");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Nothing_a_client_sends_adds_a_header_to_the_answer(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var project = Unique("probe-header", db);
        // Form values whose refusal message would carry a line break into twine's reason phrase.
        var wheel = TestDistributions.Wheel(project, "1.0");
        foreach (var field in new[] { "name", "version" })
        {
            using var form = TestDistributions.UploadForm(project, "1.0", TestDistributions.WheelName(project, "1.0"), wheel,
                overrides: new Dictionary<string, string> { [field] = (field == "name" ? project : "1.0") + "\r\nX-Injected: yes\r\n" });
            using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form };
            request.Headers.Authorization = TestDistributions.Token(token);
            using var response = await server.Http.SendAsync(request);
            AssertEqual(HttpStatusCode.BadRequest, response.StatusCode, $"an upload with CR LF in the {field}");
            AssertEqual(false, response.Headers.Contains("X-Injected"), $"a header injected through the {field}");
            AssertEqual(false, (response.ReasonPhrase ?? "").Contains('\n') || (response.ReasonPhrase ?? "").Contains('\r'), $"line breaks in the reason phrase ({field})");
        }

        // A project name with an encoded line break in a redirect target.
        var (status, raw) = await RawGetAsync(server, "/simple/Probe_Header%0d%0aX-Injected:%20yes/", headersOnly: true);
        AssertEqual(false, raw.Contains("\r\nX-Injected", StringComparison.OrdinalIgnoreCase), $"a header injected through a redirect ({status})");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_planted_session_cookie_is_not_the_one_used_after_sign_in(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("probe-fixation", db);
        await server.CreateUserAsync(name, Password);
        using var browser = new Browser(server, "203.0.113.141");
        var planted = new Cookie("cheeseshop_session", "planted-by-an-attacker", "/", "127.0.0.1");
        browser.Cookies.Add(new Uri(server.BaseUrl), planted);
        await SignedInAsync(browser, name);
        var session = browser.Cookies.GetCookies(new Uri(server.BaseUrl))["cheeseshop_session"];
        AssertEqual(true, session is not null && session.Value != "planted-by-an-attacker", "the session cookie after sign-in is a new one");
        using var attacker = new Browser(server, "203.0.113.142");
        attacker.Cookies.Add(new Uri(server.BaseUrl), new Cookie("cheeseshop_session", "planted-by-an-attacker", "/", "127.0.0.1"));
        AssertRedirect(await attacker.GetAsync("/manage/account"), "/account/login", "the planted cookie after the victim signed in");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Passwords_and_tokens_never_reach_the_server_output(Database db)
    {
        var server = await ServerAsync(db);
        var mark = server.OutputMark;
        var name = Unique("probe-secrets", db);
        const string secretPassword = "a-password-that-must-not-be-logged-4471";
        await server.CreateUserAsync(name, secretPassword);
        var token = await server.CreateTokenAsync(name);
        using (var browser = new Browser(server, "203.0.113.143"))
        {
            await LoginAsync(browser, name, "a-wrong-password-that-must-not-be-logged-9921");
            await SignedInAsync(browser, name, secretPassword);
        }
        using (var upload = await TestDistributions.UploadWheelAsync(server, token, Unique("probe-secrets", db), "1.0"))
            AssertEqual(HttpStatusCode.OK, upload.StatusCode, "an upload with the token");
        using (var wrong = await TestDistributions.UploadWheelAsync(server, token + "x", Unique("probe-secrets", db), "1.0"))
            AssertEqual(HttpStatusCode.Forbidden, wrong.StatusCode, "an upload with a wrong token");

        var logged = server.OutputSince(mark);
        foreach (var secret in new[] { secretPassword, "a-wrong-password-that-must-not-be-logged-9921", token, token[^20..] })
            AssertEqual(false, logged.Contains(secret, StringComparison.Ordinal), $"'{secret[..8]}...' in the server's output");
    }

    /// <summary>GET over a plain socket, so the path reaches the server exactly as written.</summary>
    private static async Task<(int Status, string Text)> RawGetAsync(CheeseshopServer server, string path, bool headersOnly = false)
    {
        var uri = new Uri(server.BaseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await using var stream = client.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync();
        var status = text.Length > 12 && int.TryParse(text.AsSpan(9, 3), out var s) ? s : 0;
        if (headersOnly) text = text.Split("\r\n\r\n")[0];
        return (status, text);
    }
}
