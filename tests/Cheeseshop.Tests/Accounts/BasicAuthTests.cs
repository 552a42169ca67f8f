using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// HTTP Basic on uploads: API tokens by default, passwords only where the operator allows them and never
/// for an account with a second factor; every wrong password or token is limited and recorded as the
/// sign-in form's failures are.
/// </summary>
public sealed class BasicAuthTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private static readonly Dictionary<string, string> PasswordUploads = new() { ["CHEESESHOP_Auth__PasswordUploads"] = "true" };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Twine_with_a_password_is_refused_unless_allowed_and_never_past_a_second_factor(Database db)
    {
        var server = await ServerAsync(db);
        var plain = Unique("pat", db);
        await server.CreateUserAsync(plain, Password);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-pw");

        var refused = Logged(await PythonTools.TwineUploadAsync(server.UploadUrl, plain, Password, alpha.Files));
        AssertFailed(refused, "twine upload with the right username and password (password uploads off)",
            "403", "Username/password authentication is not supported", "API token");
        await AssertNotListedAsync(server, "cheese-alpha-pw");

        await using var open = await CheeseshopServer.StartAsync(db, settings: PasswordUploads);
        Watch(open);
        await open.CreateUserAsync(plain, Password);
        AssertSucceeded(Logged(await PythonTools.TwineUploadAsync(open.UploadUrl, plain, Password, alpha.Files)),
            "twine upload with username and password (Auth__PasswordUploads=true, no second factor)");
        AssertEqual(2, (await SimpleJsonFilesAsync(open, "cheese-alpha-pw")).Count, "files listed after the password upload");

        // The same account with TOTP turned on: its password no longer uploads.
        using (var browser = new Browser(open, "203.0.113.71"))
        {
            await SignedInAsync(browser, plain);
            await EnableTotpAsync(browser);
        }
        var beta = await BuildAsync("cheese-beta", "1.0", "-pw");
        var twoFactor = Logged(await PythonTools.TwineUploadAsync(open.UploadUrl, plain, Password, beta.Files));
        AssertFailed(twoFactor, "twine upload with the password of an account with TOTP (Auth__PasswordUploads=true)",
            "403", "two-factor authentication", "API token");
        await AssertNotListedAsync(open, "cheese-beta-pw");

        // Its API token still uploads.
        var token = await open.CreateTokenAsync(plain);
        await UploadAsync(open, token, beta);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Wrong_passwords_and_tokens_are_limited_and_recorded_like_sign_in_failures(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: PasswordUploads);
        Watch(server);
        var name = Unique("quinn", db);
        await server.CreateUserAsync(name, Password);
        var token = await server.CreateTokenAsync(name);
        var user = (await ServerDatabase.UserAsync(server, name))!;
        var project = Unique("basic-limited", db);

        // Wrong passwords from one client: 10 refusals, then 429 with Retry-After, the right password included.
        for (var i = 0; i < 10; i++)
            await AssertUploadAsync(server, Basic(name, $"wrong password {i}"), "198.51.100.81", project, 403, $"wrong password #{i + 1}");
        var limited = await AssertUploadAsync(server, Basic(name, Password), "198.51.100.81", project, 429, "the right password after 10 failures");
        Assert.Contains("too many unsuccessful sign-in attempts", limited);
        // Another client is not held back by the first one's guessing.
        await AssertUploadAsync(server, Basic(name, Password), "198.51.100.82", project, 200, "the right password from another client");

        // A real token with its secret changed names the account: the same limit, the same events.
        // The change is away from the last character, whose low bits are padding a decoder may refuse or ignore.
        var tampered = token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];
        for (var i = 0; i < 10; i++)
            await AssertUploadAsync(server, Token(tampered), "198.51.100.83", project, 403, $"tampered token #{i + 1}");
        await AssertUploadAsync(server, Token(token), "198.51.100.83", project, 429, "the real token from the client that guessed");
        await AssertUploadAsync(server, Token(token), "198.51.100.84", project, 200, "the real token from another client", version: "1.1");

        // Tokens never issued name no account; the client is stopped after 20 of them.
        const string neverIssued = "pypi-AgENdGVzdC5weXBpLm9yZwIkNGE3ZTcyNzktbm90LWEtcmVhbC10b2tlbg";
        for (var i = 0; i < 20; i++)
            await AssertUploadAsync(server, Token(neverIssued), "198.51.100.85", project, 403, $"unknown token #{i + 1}");
        await AssertUploadAsync(server, Token(token), "198.51.100.85", project, 429, "any token from a client that sent 20 wrong ones");

        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        var failures = events.Where(e => e.Tag == "account:login:failure").ToList();
        AssertEqual(10, failures.Count(e => Str(e.Additional, "reason") == "invalid_password"), "login-failure events for wrong passwords");
        AssertEqual(10, failures.Count(e => Str(e.Additional, "reason") == "invalid_api_token"), "login-failure events for the tampered token");
        Assert.All(failures, e => Assert.NotNull(e.IpAddressId));
        await AssertAddressOnlyInIpAddressesAsync(server, "198.51.100.81");
    }

    private static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));

    /// <summary>Uploads a small wheel with the given credentials from the given client; checks the status
    /// (and Retry-After on 429); returns the message.</summary>
    private async Task<string> AssertUploadAsync(CheeseshopServer server, AuthenticationHeaderValue credentials, string client,
        string project, int status, string what, string version = "1.0")
    {
        var wheel = Wheel(project, version);
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = UploadForm(project, version, WheelName(project, version), wheel) };
        request.Headers.Authorization = credentials;
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Log($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}");
        if ((int)response.StatusCode != status) Fail($"{what}: expected HTTP {status}, got {(int)response.StatusCode} {response.ReasonPhrase}\n{body}");
        if (status == 429 && response.Headers.RetryAfter?.Delta is not { TotalSeconds: > 0 and <= 300 })
            Fail($"{what}: a 429 should carry Retry-After in seconds (at most the 5-minute window), got '{response.Headers.RetryAfter}'.");
        return body;
    }

    private async Task AssertNotListedAsync(CheeseshopServer server, string project)
    {
        using var simple = await server.Http.GetAsync($"simple/{project}/");
        AssertEqual(HttpStatusCode.NotFound, simple.StatusCode, $"GET /simple/{project}/ after the refused upload");
    }
}
