using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;
using OtpNet;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// Shared steps of the account tests, each done as a person would through the pages, with assertions
/// that say what went wrong and show the page that came back.
/// </summary>
public abstract partial class AccountTest(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    /// <summary>A username no other test uses (the server is shared by the class).</summary>
    protected static string Unique(string prefix, Database db) =>
        $"{prefix}-{(db == Database.Sqlite ? "s" : "p")}{Guid.NewGuid().ToString("N")[..6]}";

    protected static Dictionary<string, string?> Form(params (string Key, string? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value);

    protected void AssertStatus(int expected, PageResponse page, string what)
    {
        if (page.Code != expected) Fail($"{what}: expected HTTP {expected}, got:\n{page}");
    }

    protected void AssertRedirect(PageResponse page, string expectedPathStart, string what)
    {
        var location = page.Location is { } l && Uri.TryCreate(l, UriKind.Absolute, out var abs) ? abs.PathAndQuery : page.Location;
        if (page.Code != 302 || location is null || !location.StartsWith(expectedPathStart, StringComparison.Ordinal))
            Fail($"{what}: expected a redirect to {expectedPathStart}, got:\n{page}");
    }

    protected void AssertContains(string expected, PageResponse page, string what)
    {
        if (!Text(page).Contains(expected, StringComparison.Ordinal))
            Fail($"{what}: the page should say \"{expected}\", but it is:\n{page}");
    }

    /// <summary>The page's text as a person reads it: tags removed, entities decoded, spaces collapsed.</summary>
    protected static string Text(PageResponse page) =>
        Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(page.Html, "<[^>]+>", "")), @"\s+", " ");

    protected async Task<PageResponse> RegisterAsync(Browser browser, string username, string email, string password = Password)
    {
        var page = await browser.SubmitAsync("/account/register", Form(
            ("username", username), ("display_name", "Test Person"), ("email", email),
            ("password", password), ("password_confirm", password)));
        AssertRedirect(page, "/manage/account", $"registering {username}");
        return page;
    }

    protected async Task VerifyEmailAsync(CheeseshopServer server, Browser browser, string email)
    {
        var mail = Outbox.Latest(server.DataDir, email, "Verify your email address");
        var page = await browser.GetAsync(Outbox.Link(mail, "/account/verify-email"));
        AssertStatus(200, page, $"opening the verification link for {email}");
        AssertContains($"{email} is verified", page, "the verification page");
    }

    protected async Task<PageResponse> LoginAsync(Browser browser, string username, string password = Password)
    {
        var page = await browser.SubmitAsync("/account/login", Form(("username", username), ("password", password)));
        Log($"login {username}: {page.Code} {page.Location}");
        return page;
    }

    protected async Task SignedInAsync(Browser browser, string username, string password = Password)
    {
        var page = await LoginAsync(browser, username, password);
        AssertRedirect(page, "/manage/projects", $"signing in as {username}");
    }

    protected async Task LogoutAsync(Browser browser)
    {
        var page = await browser.SubmitAsync("/account/logout", Form());
        AssertRedirect(page, "/account/login", "signing out");
        var after = await browser.GetAsync("/manage/account");
        AssertRedirect(after, "/account/login", "a manage page after signing out");
    }

    /// <summary>A form on <paramref name="formPage"/> posted to one of its handlers, with the page's hidden fields of the given names.</summary>
    protected static async Task<PageResponse> SubmitHandlerAsync(Browser browser, string formPage, string handler,
        Dictionary<string, string?> fields, params string[] hiddenFromPage)
    {
        var page = await browser.GetAsync(formPage);
        foreach (var name in hiddenFromPage) fields[name] = HiddenField(page.Html, name);
        var separator = formPage.Contains('?') ? '&' : '?';
        return await browser.PostAsync($"{formPage}{separator}handler={handler}", fields, Browser.CsrfToken(page.Html));
    }

    protected static string HiddenField(string html, string name)
    {
        var m = Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        if (!m.Success) throw new InvalidOperationException($"No hidden field {name} on the page:\n{html}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>Turns TOTP on through the page; returns the secret and the recovery codes shown once.</summary>
    protected async Task<(byte[] Secret, List<string> RecoveryCodes)> EnableTotpAsync(Browser browser)
    {
        var setup = await browser.GetAsync("/manage/account/two-factor");
        AssertStatus(200, setup, "the two-factor setup page");
        var secretText = Regex.Match(setup.Html, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        if (secretText.Length == 0) Fail($"The setup page shows no key:\n{setup}");
        var secret = Base32Encoding.ToBytes(secretText);
        var code = new Totp(secret).ComputeTotp(DateTime.UtcNow);
        var enabled = await browser.PostAsync("/manage/account/two-factor?handler=Enable",
            Form(("enrolment", HiddenField(setup.Html, "enrolment")), ("code", code)), Browser.CsrfToken(setup.Html));
        AssertStatus(200, enabled, "confirming the first TOTP code");
        var codes = Regex.Matches(enabled.Html, "<code>([0-9a-f]{16})</code>").Select(m => m.Groups[1].Value).ToList();
        AssertEqual(8, codes.Count, "recovery codes shown after turning on two-factor");
        return (secret, codes);
    }

    /// <summary>A code for the next time step: valid now (one step of drift is allowed) and later than any step
    /// already used, which the server refuses to accept twice.</summary>
    protected static string NextTotp(byte[] secret) => new Totp(secret).ComputeTotp(DateTime.UtcNow.AddSeconds(30));

    /// <summary>Six digits that are not a valid code at any step the server would accept right now.</summary>
    protected static string WrongTotp(byte[] secret)
    {
        var totp = new Totp(secret);
        var valid = Enumerable.Range(-2, 5).Select(i => totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30 * i))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => (123456 + i * 7919 % 1000000).ToString("D6")).First(c => !valid.Contains(c));
    }

    protected void AssertEvent(List<(string Tag, JsonElement Additional, long? IpAddressId)> events, string tag,
        Func<JsonElement, bool>? matches = null, string? what = null)
    {
        if (!events.Any(e => e.Tag == tag && (matches is null || matches(e.Additional))))
            Fail($"Expected a {tag} event{(what is null ? "" : " " + what)}; the account has:\n" +
                 string.Join("\n", events.Select(e => $"  {e.Tag} {e.Additional.GetRawText()}")));
    }

    protected static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    protected static bool IsNull(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Null;

    /// <summary>The address is held in ip_addresses only: no other table, and not the server's log.</summary>
    protected async Task AssertAddressOnlyInIpAddressesAsync(CheeseshopServer server, string address)
    {
        Assert.True(await ServerDatabase.IpAddressStoredAsync(server, address), $"ip_addresses should hold {address}");
        var elsewhere = await ServerDatabase.TablesHoldingAsync(server, address);
        if (elsewhere.Count > 0) Fail($"The raw address {address} is stored outside ip_addresses: {string.Join(", ", elsewhere)}");
        if (server.Output.Contains(address, StringComparison.Ordinal)) Fail($"The server's log holds the raw address {address}.");
    }
}
