using System.Text.Json;
using Cheeseshop.Data;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Harness;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;

namespace Cheeseshop.Tests.Sso;

/// <summary>
/// Single sign-on as a person does it: headless Chromium on the login page, "Sign in with Cheese Corp", the
/// provider's own login form, and back to the index signed in (or told why not).
/// </summary>
public abstract class SsoTest(SsoServers servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    protected SsoServers Servers => servers;

    /// <summary>From the index's login page through the provider's form to wherever the index sends the
    /// browser back; returns that page's path and text.</summary>
    protected (string Path, string Text) SignInThroughProvider(BrowserSession browser, CheeseshopServer server, string login, string? next = null)
    {
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.Open(server.BaseUrl + "/account/login" + (next is null ? "" : "?next=" + Uri.EscapeDataString(next)));
        var button = browser.Driver.FindElement(By.Id("sso-login"));
        AssertEqual("Sign in with Cheese Corp", button.Text.Trim(), "the login page's single sign-on button");
        button.Click();
        Until(browser, () => browser.Driver.Url.StartsWith(servers.Provider.Issuer, StringComparison.Ordinal)
                             && browser.Driver.FindElements(By.Name("login")).Count > 0, "the provider's login form");
        browser.Driver.FindElement(By.Name("login")).SendKeys(login);
        browser.Driver.FindElement(By.Name("password")).SendKeys("anything");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        // The provider asks a native client's user to consent (its Continue button), then sends the browser back.
        Until(browser, () =>
        {
            if (browser.Driver.Url.StartsWith(servers.Provider.Issuer, StringComparison.Ordinal)
                && browser.Driver.FindElements(By.CssSelector("input[name=prompt][value=consent]")).Count > 0)
            {
                try { browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click(); }
                catch (WebDriverException) { } // the page moved on between the look and the click; the next round sees where
            }
            return browser.Driver.Url.StartsWith(server.BaseUrl, StringComparison.Ordinal)
                   && !browser.Driver.Url.Contains("/account/sso/callback", StringComparison.Ordinal);
        }, "the way back to the index");
        var path = new Uri(browser.Driver.Url).AbsolutePath;
        var text = browser.Driver.FindElement(By.TagName("body")).Text;
        Log($"signed in through the provider as {login}: {path}");
        return (path, text);
    }

    private void Until(BrowserSession browser, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Fail($"waiting for {what}: the browser is at {browser.Driver.Url}:\n{browser.Driver.PageSource}\n--- provider ---\n{servers.Provider.Output}");
            Thread.Sleep(100);
        }
    }

    protected static Task<List<string>> EventsAsync(CheeseshopServer server, Guid userId, string tag) =>
        server.WithDbAsync(d => d.UserEvents.Where(e => e.UserId == userId && e.Tag == tag).OrderBy(e => e.Id).Select(e => e.AdditionalJson).ToListAsync());

    protected static Task<Guid> UserIdAsync(CheeseshopServer server, string username) =>
        server.WithDbAsync(d => d.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync());

    protected static async Task<HttpResponseMessage> BasicUploadAsync(CheeseshopServer server, string username)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.UploadUrl)
        {
            Content = new MultipartFormDataContent { { new StringContent("file_upload"), ":action" } },
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{username}:{Password}")));
        return await server.Http.SendAsync(request);
    }

    protected static string? Method(string additionalJson) =>
        JsonDocument.Parse(additionalJson).RootElement.TryGetProperty("method", out var m) ? m.GetString() : null;
}

/// <summary>Registration closed, CreateAccounts off, Auth:Password off.</summary>
[LongRunning]
public sealed class SsoClosedTests(ClosedSsoServers servers, ITestOutputHelper output)
    : SsoTest(servers, output), IClassFixture<ClosedSsoServers>
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_first_sign_in_links_by_verified_email_and_later_ones_use_the_link(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-vera", db);
        var username = Unique("vera", db);
        var created = await server.RunCliWithInputAsync(Password + "\n", "users", "create", username, "--email", $"{login}@example.org", "--password-stdin");
        AssertEqual(true, created.Succeeded, "users create: " + created);
        var userId = await UserIdAsync(server, username);
        using var browser = BrowserSession.Start();

        var (path, text) = SignInThroughProvider(browser, server, login);
        AssertEqual("/manage/projects", path, "where the first sign-in lands: " + text);
        AssertEqual(true, text.Contains(username, StringComparison.Ordinal), $"the page names {username}: {text}");
        var link = await server.WithDbAsync(d => d.SsoLinks.SingleAsync(l => l.UserId == userId));
        AssertEqual((servers.Provider.Issuer, login), (link.Issuer, link.Subject), "the stored link");
        var logins = await EventsAsync(server, userId, "account:login:success");
        AssertEqual("sso", Method(Assert.Single(logins)), "the sign-in event's method");
        AssertEqual(1, (await EventsAsync(server, userId, "account:sso:link")).Count, "link events");

        // The address at the index changes (so it no longer matches the provider's): the link still signs in.
        await server.WithDbAsync(d => d.UserEmails.Where(e => e.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Email, $"{username}@elsewhere.example")));
        (path, text) = SignInThroughProvider(browser, server, login);
        AssertEqual("/manage/projects", path, "where the second sign-in lands: " + text);
        AssertEqual(true, text.Contains(username, StringComparison.Ordinal), $"the second sign-in is {username}: {text}");
        AssertEqual(2, (await EventsAsync(server, userId, "account:login:success")).Count, "sign-in events");
        AssertEqual(1, await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.Subject == login)), "links after two sign-ins");

        // The owner's export lists the link as an account record.
        var exportPath = Path.Combine(server.DataDir, $"export-{username}.zip");
        var exported = await server.RunCliAsync("users", "export", username, "--out", exportPath);
        AssertEqual(true, exported.Succeeded, "users export: " + exported);
        var row = Assert.Single(Legal.DisclosurePackage.Read(exportPath).Rows(username, "length-of-service", "single-sign-on"));
        AssertEqual((servers.Provider.Issuer, login), (Legal.DisclosurePackage.Cell(row, "issuer"), Legal.DisclosurePackage.Cell(row, "subject")), "the exported link");

        // Deleting the account (from the session single sign-on gave) removes the link.
        browser.Open(server.BaseUrl + "/manage/account/delete");
        browser.Driver.FindElement(By.Id("password")).SendKeys(Password);
        browser.Driver.FindElement(By.XPath("//button[normalize-space()='Delete my account']")).Click();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.Subject == login)) > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        AssertEqual(0, await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.Subject == login)),
            "links after the account's deletion; the page: " + browser.Driver.FindElement(By.TagName("body")).Text);
    }

    // Where a sign-in lands is a rule about the URL, the same on either database.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task Next_is_followed_to_a_path_on_this_site_and_nowhere_else(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-nina", db);
        var username = Unique("nina", db);
        var created = await server.RunCliWithInputAsync(Password + "\n", "users", "create", username, "--email", $"{login}@example.org", "--password-stdin");
        AssertEqual(true, created.Succeeded, "users create: " + created);
        using var browser = BrowserSession.Start();

        var (path, text) = SignInThroughProvider(browser, server, login, next: "/manage/account");
        AssertEqual("/manage/account", path, "where a sign-in with a local next lands: " + text);
        // The browser drops the tab: "/\t/evil.example" is "//evil.example" to it, another site.
        foreach (var offSite in new[] { "/\t/evil.example", "//evil.example/", "/\\evil.example/", "https://evil.example/" })
        {
            (path, text) = SignInThroughProvider(browser, server, login, next: offSite);
            AssertEqual("/manage/projects", path, $"where a sign-in with next={offSite} lands: " + text);
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_sign_in_matching_no_account_is_refused_when_registration_is_closed(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-nobody", db);
        using var browser = BrowserSession.Start();

        var (path, text) = SignInThroughProvider(browser, server, login);
        AssertEqual("/account/sso/refused", path, "where a sign-in with no account lands");
        AssertEqual(true, text.Contains("no account on this index has your verified email address", StringComparison.Ordinal), "the refusal: " + text);
        AssertEqual(0, await server.WithDbAsync(d => d.UserEmails.CountAsync(e => e.Email == $"{login}@example.org")), "accounts made");
        AssertEqual(0, await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.Subject == login)), "links made");
        using var http = new Browser(server, "203.0.113.71");
        AssertStatus(403, await http.GetAsync("/account/sso/refused?reason=no-account"), "the refusal page's status");

        // An unverified address at the provider matches nothing, even an account that has it verified.
        var unverified = Unique("unverified-ulla", db);
        var username = Unique("ulla", db);
        var created = await server.RunCliWithInputAsync(Password + "\n", "users", "create", username, "--email", $"{unverified}@example.org", "--password-stdin");
        AssertEqual(true, created.Succeeded, "users create: " + created);
        (path, text) = SignInThroughProvider(browser, server, unverified);
        AssertEqual("/account/sso/refused", path, "where a sign-in with an unverified address lands");
        AssertEqual(true, text.Contains("did not give a verified email address", StringComparison.Ordinal), "the refusal: " + text);
        AssertEqual(0, await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.Subject == unverified)), "links made for an unverified address");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Password_sign_in_is_refused_for_users_and_kept_for_administrators(Database db)
    {
        var server = await ServerAsync(db);
        var user = Unique("sso-pat", db);
        var admin = Unique("sso-root", db);
        await server.CreateUserAsync(user, Password);
        await server.CreateUserAsync(admin, Password, admin: true);
        using var browser = new Browser(server, "203.0.113.72");

        var form = await browser.GetAsync("/account/login");
        AssertContains("Sign in with Cheese Corp", form, "the login page");
        AssertContains("only administrators may sign in with a password here", form, "the login page");
        var refused = await LoginAsync(browser, user);
        AssertStatus(403, refused, "a user's password sign-in");
        AssertContains("Password sign-in is turned off on this index", refused, "the refusal");
        AssertStatus(302, await browser.GetAsync("/manage/account"), "the account page after the refusal (not signed in)");
        var failures = await EventsAsync(server, await UserIdAsync(server, user), "account:login:failure");
        AssertEqual(true, failures.Any(f => f.Contains("password_sign_in_off", StringComparison.Ordinal)), "the failure event: " + string.Join(", ", failures));

        // Uploads with a password (Auth:PasswordUploads is on here) follow the same rule.
        var upload = await BasicUploadAsync(server, user);
        AssertEqual(403, (int)upload.StatusCode, "a user's password upload");
        var why = await upload.Content.ReadAsStringAsync() + upload.ReasonPhrase;
        AssertEqual(true, why.Contains("Password sign-in is turned off", StringComparison.Ordinal), "the upload refusal: " + why);
        var adminUpload = await BasicUploadAsync(server, admin);
        AssertEqual(true, (int)adminUpload.StatusCode is 400, $"an admin's password upload passes authentication (then fails on the empty form): {(int)adminUpload.StatusCode} {await adminUpload.Content.ReadAsStringAsync()}");

        await SignedInAsync(browser, admin);
        var logins = await EventsAsync(server, await UserIdAsync(server, admin), "account:login:success");
        AssertEqual("password", Method(Assert.Single(logins)), "the admin's sign-in event's method");
    }
}

/// <summary>Registration open: the first sign-in of someone with no account makes one.</summary>
[LongRunning]
public sealed class SsoOpenTests(OpenSsoServers servers, ITestOutputHelper output)
    : SsoTest(servers, output), IClassFixture<OpenSsoServers>
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_first_sign_in_creates_an_account_when_registration_is_open(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-newt", db);
        using var browser = BrowserSession.Start();

        var (path, text) = SignInThroughProvider(browser, server, login);
        AssertEqual("/manage/projects", path, "where the first sign-in lands: " + text);
        var user = await server.WithDbAsync(d => d.Users.Include(u => u.Emails).SingleAsync(u => u.Username == login));
        AssertEqual(true, text.Contains(login, StringComparison.Ordinal), "the page names the new account: " + text);
        var email = Assert.Single(user.Emails);
        AssertEqual(($"{login}@example.org", true, true), (email.Email, email.IsVerified, email.IsPrimary), "the new account's address");
        AssertEqual(null, user.PasswordHash, "the new account's password");
        AssertEqual($"Person {login}", user.DisplayName, "the display name from the provider");
        AssertEqual(1, await server.WithDbAsync(d => d.SsoLinks.CountAsync(l => l.UserId == user.Id && l.Subject == login)), "the link");
        AssertEqual("sso", Method(Assert.Single(await EventsAsync(server, user.Id, "account:login:success"))), "the sign-in event's method");

        // It has no password, so it sets one by a reset link to use the forms that ask for it again.
        using var http = new Browser(server, "203.0.113.74");
        AssertStatus(200, await http.SubmitAsync("/account/reset-password", Form(("username_or_email", login))), "asking for a reset link");
        var mail = Outbox.Latest(server.DataDir, $"{login}@example.org", "Reset your password");
        var link = Outbox.Link(mail, "/account/reset-password/confirm");
        var form = await http.GetAsync(link);
        AssertStatus(200, form, "opening the reset link");
        AssertRedirect(await http.PostAsync(link, Form(("token", HiddenField(form.Html, "token")), ("new_password", Password), ("password_confirm", Password)),
            Browser.CsrfToken(form.Html)), "/", "setting the first password");
        AssertEqual(true, await server.WithDbAsync(d => d.Users.AnyAsync(u => u.Id == user.Id && u.PasswordHash != null)), "a password is set");

        // Signing in again is the same account, not a second one.
        (path, _) = SignInThroughProvider(browser, server, login);
        AssertEqual("/manage/projects", path, "where the second sign-in lands");
        AssertEqual(1, await server.WithDbAsync(d => d.UserEmails.CountAsync(e => e.Email == $"{login}@example.org")), "accounts with the address");
    }

    // The order of the sign-in steps is the same on either database.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task A_sign_in_through_the_provider_for_an_account_with_totp_asks_for_its_code_first(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-tess", db);
        var username = Unique("tess", db);
        var created = await server.RunCliWithInputAsync(Password + "\n", "users", "create", username, "--email", $"{login}@example.org", "--password-stdin");
        AssertEqual(true, created.Succeeded, "users create: " + created);
        using (var http = new Browser(server, "203.0.113.75"))
        {
            await SignedInAsync(http, username);
            var (secret, _) = await EnableTotpAsync(http);
            using var browser = BrowserSession.Start();

            var (path, text) = SignInThroughProvider(browser, server, login);
            AssertEqual("/account/two-factor", path, "where a provider's sign-in of an account with TOTP lands: " + text);
            browser.Open(server.BaseUrl + "/manage/account");
            AssertEqual("/account/login", new Uri(browser.Driver.Url).AbsolutePath, "a manage page before the code (not signed in yet)");

            (path, _) = SignInThroughProvider(browser, server, login);
            browser.Driver.FindElement(OpenQA.Selenium.By.Id("code")).SendKeys(NextTotp(secret));
            browser.Driver.FindElement(OpenQA.Selenium.By.XPath("//button[normalize-space()='Verify']")).Click();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (new Uri(browser.Driver.Url).AbsolutePath == "/account/two-factor" && DateTime.UtcNow < deadline) Thread.Sleep(100);
            AssertEqual("/manage/projects", new Uri(browser.Driver.Url).AbsolutePath,
                "where the code leads: " + browser.Driver.FindElement(OpenQA.Selenium.By.TagName("body")).Text);
            var logins = await EventsAsync(server, await UserIdAsync(server, username), "account:login:success");
            var last = JsonDocument.Parse(logins[^1]).RootElement;
            AssertEqual(("sso", "totp"), (Str(last, "method"), Str(last, "two_factor_method")), "the sign-in event: " + logins[^1]);
        }
    }
}

/// <summary>Registration closed with Auth:Oidc:CreateAccounts=true: sign-in makes the account, the register page stays shut.</summary>
public sealed class SsoCreateAccountsTests(CreatingSsoServers servers, ITestOutputHelper output)
    : SsoTest(servers, output), IClassFixture<CreatingSsoServers>
{
    // The creation is the one SsoOpenTests runs on both databases; what differs here is a setting.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task A_first_sign_in_creates_an_account_although_registration_is_closed(Database db)
    {
        var server = await ServerAsync(db);
        var login = Unique("sso-cleo", db);
        using var browser = BrowserSession.Start();

        var (path, text) = SignInThroughProvider(browser, server, login);
        AssertEqual("/manage/projects", path, "where the first sign-in lands: " + text);
        AssertEqual(1, await server.WithDbAsync(d => d.Users.CountAsync(u => u.Username == login)), "accounts made");
        using var http = new Browser(server, "203.0.113.73");
        AssertStatus(404, await http.GetAsync("/account/register"), "the register page");
    }
}
