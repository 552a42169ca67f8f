using System.Net;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>CSRF on every form, the session cookie's attributes, and the sign-in rate limit.</summary>
public sealed class SessionSecurityTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_form_without_its_own_csrf_token_is_refused(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("grace", db);
        await server.CreateUserAsync(name, Password);
        using var browser = new Browser(server, "203.0.113.51");
        await browser.GetAsync("/account/login");

        var none = await browser.PostAsync("/account/login", Form(("username", name), ("password", Password)), csrfToken: null);
        AssertStatus(400, none, "signing in without a CSRF token");
        AssertContains("security token", none, "the CSRF refusal");
        var forged = await browser.PostAsync("/account/login", Form(("username", name), ("password", Password)), "CfDJ8forgedtokenforgedtokenforgedtoken");
        AssertStatus(400, forged, "signing in with a forged CSRF token");

        // A real token, but another browser's: still refused.
        using var attacker = new Browser(server, "203.0.113.52");
        var theirs = Browser.CsrfToken((await attacker.GetAsync("/account/login")).Html);
        AssertStatus(400, await browser.PostAsync("/account/login", Form(("username", name), ("password", Password)), theirs), "another browser's token");

        // Signed in, a form posted with a token from before the sign-in is refused too.
        var before = Browser.CsrfToken((await browser.GetAsync("/account/login")).Html);
        await SignedInAsync(browser, name);
        var stale = await browser.PostAsync("/manage/account?handler=DisplayName", Form(("display_name", "Mallory")), before);
        AssertStatus(400, stale, "a manage form with a token from before signing in");
        var ok = await SubmitHandlerAsync(browser, "/manage/account", "DisplayName", Form(("display_name", "Grace H.")));
        AssertRedirect(ok, "/manage/account", "the same form with its own token");
        Assert.Equal("Grace H.", (await ServerDatabase.UserAsync(server, name))!.DisplayName);
        AssertStatus(400, await browser.PostAsync("/account/logout", Form(), csrfToken: null), "signing out without a token");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_session_cookie_is_httponly_lax_and_secure_behind_https(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("heidi", db);
        await server.CreateUserAsync(name, Password);
        using var browser = new Browser(server, "203.0.113.53");
        var page = await browser.GetAsync("/account/login");
        Assert.Contains("default-src 'none'", page.Raw.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", page.Raw.Headers.GetValues("Content-Security-Policy").Single());
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = name, ["password"] = Password, ["csrf_token"] = Browser.CsrfToken(page.Html),
            }),
        };
        request.Headers.Add("X-Forwarded-For", "203.0.113.53");
        // The proxy in front says the client came over HTTPS.
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Cookie", string.Join("; ", browser.Cookies.GetAllCookies().Select(c => $"{c.Name}={c.Value}")));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cheeseshop_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Log(session[..40] + "...; " + string.Join(";", session.Split(';').Skip(1)));
        Assert.Contains("httponly", session);
        Assert.Contains("samesite=lax", session);
        Assert.Contains("secure", session);
        Assert.DoesNotContain("expires=", session); // a browser-session cookie; the server enforces the 2 h / 12 h limits
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Repeated_failures_limit_the_guessing_client_not_the_owner(Database db)
    {
        var server = await ServerAsync(db);
        var victim = Unique("ivan", db);
        await server.CreateUserAsync(victim, Password);
        using var attacker = new Browser(server, "198.51.100.60");

        for (var i = 0; i < 10; i++)
            AssertStatus(401, await LoginAsync(attacker, victim, $"guess number {i}"), $"wrong password #{i + 1}");
        var limited = await LoginAsync(attacker, victim, Password);
        AssertStatus(429, limited, "the right password after 10 failures from one client in 5 minutes");
        AssertContains("too many unsuccessful sign-in attempts", limited, "the rate-limit message");
        Assert.True(limited.Raw.Headers.RetryAfter is not null, "a 429 carries Retry-After");

        // The owner, from another client, signs in: the attacker's failures are the attacker's.
        using var owner = new Browser(server, "198.51.100.61");
        await SignedInAsync(owner, victim);
        // An unknown name is limited exactly like a real one (the limit reveals nothing).
        var ghost = Unique("ghost", db);
        using var prober = new Browser(server, "198.51.100.62");
        for (var i = 0; i < 10; i++) await LoginAsync(prober, ghost, $"guess {i}");
        AssertStatus(429, await LoginAsync(prober, ghost, "guess 11"), "an unknown username after 10 failures");

        // Per client: one address guessing across many accounts is stopped after 20 failures.
        using var sprayer = new Browser(server, "198.51.100.63");
        for (var i = 0; i < 20; i++) await LoginAsync(sprayer, Unique("spray", db), "password guess");
        var other = Unique("judy", db);
        await server.CreateUserAsync(other, Password);
        AssertStatus(429, await LoginAsync(sprayer, other, Password), "a client that failed 20 times, on a fresh account");
        using var elsewhere = new Browser(server, "198.51.100.64");
        await SignedInAsync(elsewhere, other);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Guessing_from_many_clients_does_not_lock_out_an_owner_with_a_second_factor(Database db)
    {
        var server = await ServerAsync(db);
        var victim = Unique("kim", db);
        await server.CreateUserAsync(victim, Password);
        byte[] secret;
        using (var setup = new Browser(server, "192.0.2.250"))
        {
            await SignedInAsync(setup, victim);
            (secret, _) = await EnableTotpAsync(setup);
        }

        // 100 clients, one wrong password each: the account-wide limit.
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var guesser = new Browser(server, $"192.0.2.{i + 100}");
            AssertStatus(401, await LoginAsync(guesser, victim, $"guess {i}"), $"wrong password from client {i}");
        });
        using var failed = new Browser(server, "192.0.2.100");
        AssertStatus(429, await LoginAsync(failed, victim, Password), "the right password from a client that failed");
        using var fresh = new Browser(server, "192.0.2.251");
        AssertStatus(429, await LoginAsync(fresh, victim, "yet another guess"), "a wrong password from a client that has not failed");

        // The owner, from a client that has not been failing: the right password, then the right code.
        using var owner = new Browser(server, "192.0.2.252");
        AssertRedirect(await LoginAsync(owner, victim), "/account/two-factor", "the right password under the account-wide limit");
        var signedIn = await SubmitHandlerAsync(owner, "/account/two-factor", "Totp", Form(("code", NextTotp(secret))));
        AssertRedirect(signedIn, "/manage/projects", "the right TOTP code under the account-wide limit");
    }
}
