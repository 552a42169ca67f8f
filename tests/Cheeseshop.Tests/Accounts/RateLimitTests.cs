using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// One client cannot take the index down: each limit, set low through its setting, answers 429 with
/// Retry-After and a message that says what was limited, holds back only the client or account that
/// reached it, and the server goes on serving everyone else.
/// </summary>
public sealed class RateLimitTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private static readonly Dictionary<string, string> LowLimits = new()
    {
        ["CHEESESHOP_RateLimits__XmlRpcPerHour"] = "5",
        ["CHEESESHOP_RateLimits__UploadsPerHourPerClient"] = "4",
        ["CHEESESHOP_RateLimits__UploadsPerHourPerAccount"] = "6",
        ["CHEESESHOP_RateLimits__RegistrationsPerHourPerClient"] = "2",
        ["CHEESESHOP_RateLimits__PasswordResetsPerHourPerClient"] = "2",
        ["CHEESESHOP_RateLimits__VerificationMailsPerHourPerAccount"] = "2",
        ["CHEESESHOP_RateLimits__FailedLoginsPerAccountAndClient"] = "3",
    };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Each_limit_answers_429_with_retry_after_and_holds_back_only_its_client_or_account(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: LowLimits);
        Watch(server);

        // XML-RPC: 5 calls an hour per client; the sixth is refused, another client goes on.
        for (var i = 0; i < 5; i++) AssertEqual(HttpStatusCode.OK, (await XmlRpcAsync(server, "192.0.2.10")).Status, $"XML-RPC call #{i + 1}");
        AssertLimited(await XmlRpcAsync(server, "192.0.2.10"), "Too many XML-RPC calls from your address", "the sixth XML-RPC call");
        AssertEqual(HttpStatusCode.OK, (await XmlRpcAsync(server, "192.0.2.11")).Status, "an XML-RPC call from another client");

        // Uploads per client: 4 an hour, counted whatever the outcome (here: a token never issued).
        for (var i = 0; i < 4; i++)
            AssertEqual(HttpStatusCode.Forbidden, (await UploadAsync(server, "cheeseshop-AAAAAAAAAAAAAAAAAAAAAA.AAAA", "192.0.2.20", "rl-guess", $"1.{i}")).Status, $"upload #{i + 1} with a bad token");
        AssertLimited(await UploadAsync(server, "cheeseshop-AAAAAAAAAAAAAAAAAAAAAA.AAAA", "192.0.2.20", "rl-guess", "2.0"),
            "Too many uploads from your address", "the fifth upload from one client");

        // Uploads per account: 6 an hour, from any number of clients; another account goes on.
        var name = Unique("rl-up", db);
        await server.CreateUserAsync(name, Password);
        var token = await server.CreateTokenAsync(name);
        var project = Unique("rl-project", db);
        for (var i = 0; i < 6; i++)
            AssertEqual(HttpStatusCode.OK, (await UploadAsync(server, token, $"192.0.2.{30 + i}", project, $"1.{i}")).Status, $"upload #{i + 1} by one account");
        AssertLimited(await UploadAsync(server, token, "192.0.2.40", project, "2.0"), "Too many uploads by this account", "the seventh upload by one account");
        var other = Unique("rl-other", db);
        await server.CreateUserAsync(other, Password);
        AssertEqual(HttpStatusCode.OK, (await UploadAsync(server, await server.CreateTokenAsync(other), "192.0.2.40", Unique("rl-else", db), "1.0")).Status,
            "an upload by another account from the same client");

        // Failed logins: 3 per account and client (the setting), the owner's client is not held back.
        var owner = Unique("rl-login", db);
        await server.CreateUserAsync(owner, Password);
        using (var guesser = new Browser(server, "192.0.2.50"))
        {
            for (var i = 0; i < 3; i++) AssertStatus(401, await LoginAsync(guesser, owner, $"wrong {i}"), $"wrong password #{i + 1}");
            var refused = await LoginAsync(guesser, owner);
            AssertStatus(429, refused, "the right password after 3 failures from one client");
        }
        using (var ownerBrowser = new Browser(server, "192.0.2.51"))
            await SignedInAsync(ownerBrowser, owner);

        // Sign-up: 2 posts an hour per client (a new browser each time: a sign-up signs in); viewing the form is not counted.
        for (var i = 0; i < 2; i++)
        {
            using var signUp = new Browser(server, "192.0.2.60");
            await RegisterAsync(signUp, Unique($"rl-new{i}", db), $"{Unique($"rl-new{i}", db)}@example.invalid");
        }
        using (var signUp = new Browser(server, "192.0.2.60"))
        {
            AssertStatus(200, await signUp.GetAsync("/account/register"), "the sign-up form after two sign-ups");
            var third = await signUp.SubmitAsync("/account/register", Form(("username", Unique("rl-new2", db)), ("email", "x@example.invalid"),
                ("password", Password), ("password_confirm", Password)));
            AssertStatus(429, third, "a third sign-up from one client");
            AssertContains("Too many sign-up attempts from your address", third, "the refused sign-up");
        }

        // Password-reset requests: 2 posts an hour per client.
        using (var reset = new Browser(server, "192.0.2.70"))
        {
            for (var i = 0; i < 2; i++)
                AssertStatus(200, await reset.SubmitAsync("/account/reset-password", Form(("username_or_email", owner))), $"reset request #{i + 1}");
            var third = await reset.SubmitAsync("/account/reset-password", Form(("username_or_email", owner)));
            AssertStatus(429, third, "a third reset request from one client");
            AssertContains("Too many password-reset requests from your address", third, "the refused reset request");
        }

        // Verification mail: 2 an hour per account (adding an address sends one, asking again another).
        using (var account = new Browser(server, "192.0.2.80"))
        {
            await SignedInAsync(account, owner);
            AssertRedirect(await SubmitHandlerAsync(account, "/manage/account", "AddEmail", Form(("email", $"{owner}-2@example.invalid"))), "/manage/account", "adding an address");
            AssertRedirect(await SubmitHandlerAsync(account, "/manage/account", "AddEmail", Form(("email", $"{owner}-3@example.invalid"))), "/manage/account", "adding a second address");
            var limited = await SubmitHandlerAsync(account, "/manage/account", "AddEmail", Form(("email", $"{owner}-4@example.invalid")));
            AssertStatus(429, limited, "a third verification mail in an hour");
            AssertContains("Too many verification emails", limited, "the refused address");
            AssertEqual(true, limited.Raw.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "Retry-After on the refused address");
        }

        // Everyone else is still served.
        using var simple = await server.Http.GetAsync($"simple/{project}/");
        AssertEqual(HttpStatusCode.OK, simple.StatusCode, "the Simple page after every limit was reached");
    }

    private static async Task<(HttpStatusCode Status, string Body, RetryConditionHeaderValue? RetryAfter)> XmlRpcAsync(CheeseshopServer server, string client)
    {
        const string call = "<?xml version='1.0'?><methodCall><methodName>changelog_last_serial</methodName><params></params></methodCall>";
        using var request = new HttpRequestMessage(HttpMethod.Post, "RPC2") { Content = new StringContent(call, Encoding.UTF8, "text/xml") };
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter);
    }

    private static async Task<(HttpStatusCode Status, string Body, RetryConditionHeaderValue? RetryAfter)> UploadAsync(CheeseshopServer server,
        string token, string client, string project, string version)
    {
        using var response = await TestDistributions.UploadWheelAsync(server, token, project, version, clientAddress: client);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter);
    }

    private void AssertLimited((HttpStatusCode Status, string Body, RetryConditionHeaderValue? RetryAfter) response, string message, string what)
    {
        AssertEqual(HttpStatusCode.TooManyRequests, response.Status, what);
        AssertEqual(true, response.Body.Contains(message, StringComparison.Ordinal), $"{what}: the message says '{message}' ({response.Body.Trim()})");
        AssertEqual(true, response.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 3600 }, $"{what}: Retry-After in seconds ({response.RetryAfter})");
    }
}
