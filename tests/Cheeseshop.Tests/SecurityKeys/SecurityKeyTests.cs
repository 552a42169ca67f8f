using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Harness;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using OpenQA.Selenium.VirtualAuth;

namespace Cheeseshop.Tests.SecurityKeys;

/// <summary>
/// Security keys in headless Chromium with its virtual authenticator (CTAP2 over USB, the DevTools WebAuthn
/// domain through Selenium): a key added on the two-factor page, then the second step of signing in, the
/// admin pages reached with it, and the answers the server must refuse (another key under the same id, a
/// counter that went back, a replayed answer, a credential that is not the account's). The browser opens
/// the index as http://localhost:PORT: WebAuthn takes a host name as the relying party, not an address.
/// </summary>
[LongRunning]
public sealed class SecurityKeyTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private static string Origin(CheeseshopServer server) => server.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

    private static VirtualAuthenticatorOptions Usb() => new VirtualAuthenticatorOptions()
        .SetProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .SetTransport(VirtualAuthenticatorOptions.Transport.USB)
        .SetHasResidentKey(false)
        .SetHasUserVerification(true)
        .SetIsUserVerified(true);

    private static WebDriver Driver(BrowserSession browser) => (WebDriver)browser.Driver;

    private void Until(BrowserSession browser, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Fail($"waiting for {what}: the browser is at {browser.Driver.Url}:\n{Body(browser)}");
            Thread.Sleep(100);
        }
    }

    private void AssertAccessible(BrowserSession browser, string page)
    {
        var serious = browser.Axe().Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core on {page}:\n{string.Join("\n", serious)}");
    }

    private static string Body(BrowserSession browser) => browser.Driver.FindElement(By.TagName("body")).Text;

    private static string PathOf(BrowserSession browser) => new Uri(browser.Driver.Url).AbsolutePath;

    /// <summary>The password step in the browser; returns where it lands.</summary>
    private string PasswordStep(BrowserSession browser, CheeseshopServer server, string username)
    {
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.Open(Origin(server) + "/account/login");
        browser.Driver.FindElement(By.Id("username")).SendKeys(username);
        browser.Driver.FindElement(By.Id("password")).SendKeys(Password);
        browser.Driver.FindElement(By.XPath("//main//button[normalize-space()='Sign in']")).Click();
        Until(browser, () => PathOf(browser) != "/account/login", "the page after the password");
        return PathOf(browser);
    }

    /// <summary>Clicks "Use security key" on the second-step page and waits for the answer's page.</summary>
    private (string Path, string Text) UseKey(BrowserSession browser)
    {
        var before = browser.Driver.FindElement(By.TagName("html"));
        browser.Driver.FindElement(By.XPath("//button[normalize-space()='Use security key']")).Click();
        Until(browser, () => IsStale(before), "the answer to the security key");
        return (PathOf(browser), Body(browser));
    }

    /// <summary>Clicks a form's button and waits for the page the answer brings.</summary>
    private string Submit(BrowserSession browser, IWebElement button, string what)
    {
        var before = browser.Driver.FindElement(By.TagName("html"));
        button.Click();
        Until(browser, () => IsStale(before), what);
        return Body(browser);
    }

    private static bool IsStale(IWebElement element)
    {
        try { _ = element.TagName; return false; }
        catch (StaleElementReferenceException) { return true; }
        // Asked while the old page is being replaced: chromium's own words for a node that is gone.
        catch (WebDriverException e) when (e.Message.Contains("does not belong to the document", StringComparison.Ordinal)) { return true; }
        catch (WebDriverException) { return false; }
    }

    /// <summary>Adds a key on the two-factor page; returns the page's text afterwards.</summary>
    private string AddKey(BrowserSession browser, CheeseshopServer server, string name)
    {
        StartAddingKey(browser, server, name, out var before);
        Until(browser, () => IsStale(before), "the page after adding a key");
        return Body(browser);
    }

    private void StartAddingKey(BrowserSession browser, CheeseshopServer server, string name, out IWebElement before)
    {
        browser.Open(Origin(server) + "/manage/account/two-factor");
        var form = browser.Driver.FindElement(By.Id("webauthn-register"));
        AssertEqual(true, form.Displayed, "the add-key form once the script ran");
        browser.Driver.FindElement(By.Id("key_name")).SendKeys(name);
        before = browser.Driver.FindElement(By.TagName("html"));
        browser.Driver.FindElement(By.XPath("//button[normalize-space()='Add security key']")).Click();
    }

    private static Task<List<string>> EventsAsync(CheeseshopServer server, string username, string tag) =>
        server.WithDbAsync(d => d.UserEvents.Where(e => d.Users.Any(u => u.Id == e.UserId && u.Username == username) && e.Tag == tag)
            .OrderBy(e => e.Id).Select(e => e.AdditionalJson).ToListAsync());

    private static Task<int> KeyCountAsync(CheeseshopServer server, string username) =>
        server.WithDbAsync(d => d.SecurityKeys.CountAsync(k => d.Users.Any(u => u.Id == k.UserId && u.Username == username)));

    private static Task<Cheeseshop.Data.Entities.SecurityKey> KeyAsync(CheeseshopServer server, string username) =>
        server.WithDbAsync(d => d.SecurityKeys.SingleAsync(k => d.Users.Any(u => u.Id == k.UserId && u.Username == username)));

    // The pages and the ceremony are the same on either database; keys are stored and checked on both in the refusals test below.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task An_admin_adds_a_key_signs_in_with_it_reaches_the_admin_pages_and_removes_it(Database db)
    {
        var server = await ServerAsync(db);
        var admin = Unique("keyadmin", db);
        await server.CreateUserAsync(admin, Password, admin: true);
        using var browser = BrowserSession.Start();
        var authenticator = Driver(browser).AddVirtualAuthenticator(Usb());

        AssertEqual("/manage/projects", PasswordStep(browser, server, admin), "an account without a second factor signs in with its password");
        browser.Open(Origin(server) + "/admin/");
        AssertEqual("/manage/account/two-factor", PathOf(browser), "the admin pages send an admin without a second factor to set one up");

        var added = AddKey(browser, server, "virtual key A");
        AssertEqual(true, added.Contains("The security key \"virtual key A\" was added", StringComparison.Ordinal), "the notice: " + added);
        var codes = browser.Driver.FindElements(By.CssSelector("#recovery-codes code")).Select(c => c.Text).ToList();
        AssertEqual(8, codes.Count, "recovery codes shown with the first key");
        var stored = await KeyAsync(server, admin);
        AssertEqual(("virtual key A", (DateTime?)null), (stored.Name, stored.LastUsed), "the stored key");
        var credential = Assert.Single(Driver(browser).GetCredentials());
        AssertEqual(Convert.ToBase64String(credential.Id), Convert.ToBase64String(stored.CredentialId), "the stored credential id is the authenticator's");
        var addedEvent = Assert.Single(await EventsAsync(server, admin, "account:two_factor:method_added"));
        AssertEqual(true, addedEvent.Contains("\"webauthn\"", StringComparison.Ordinal) && addedEvent.Contains("virtual key A", StringComparison.Ordinal), "the event: " + addedEvent);

        // The owner's export lists the key by credential id, name and dates, never its public key.
        var exportPath = Path.Combine(server.DataDir, $"export-{admin}.zip");
        var exported = await server.RunCliAsync("users", "export", admin, "--out", exportPath);
        AssertEqual(true, exported.Succeeded, "users export: " + exported);
        var package = Legal.DisclosurePackage.Read(exportPath);
        var exportedKey = Assert.Single(package.Rows(admin, "length-of-service", "security-keys"));
        AssertEqual((Base64Url(stored.CredentialId), "virtual key A"),
            (Legal.DisclosurePackage.Cell(exportedKey, "credential_id"), Legal.DisclosurePackage.Cell(exportedKey, "name")), "the exported key");
        AssertEqual(0, package.EntriesHolding(Base64Url(stored.PublicKey)).Count + package.EntriesHolding(Convert.ToBase64String(stored.PublicKey)).Count,
            "entries of the export holding the public key");
        var status = Assert.Single(package.Rows(admin, "length-of-service", "account-status"));
        AssertEqual(true, status.GetProperty("two_factor").GetBoolean(), "two_factor in the export, with a key as the only second factor");

        // The same key again: the page names the account's keys as excluded, so the authenticator declines.
        StartAddingKey(browser, server, "the same key", out _);
        Until(browser, () => browser.Driver.FindElement(By.Id("webauthn-status")).Text.Contains("InvalidStateError", StringComparison.Ordinal),
            "the browser's refusal to register one key twice");
        AssertEqual(1, await KeyCountAsync(server, admin), "keys after adding the same key again");

        // Sign out, then in: the password leads to the second step, where the key (and no app) is offered.
        Submit(browser, browser.Driver.FindElement(By.XPath("//button[normalize-space()='Sign out']")), "the page after signing out");
        AssertEqual("/account/two-factor", PasswordStep(browser, server, admin), "the password step of an account with a key");
        AssertEqual(0, browser.Driver.FindElements(By.Id("code")).Count, "a code field for an account without an authenticator app");
        AssertAccessible(browser, "the second step with a key");
        var (path, text) = UseKey(browser);
        AssertEqual("/manage/projects", path, "where the key's sign-in lands: " + text);
        var login = (await EventsAsync(server, admin, "account:login:success")).Last();
        AssertEqual(true, login.Contains("\"two_factor_method\":\"webauthn\"", StringComparison.Ordinal)
                          && login.Contains("\"two_factor_label\":\"virtual key A\"", StringComparison.Ordinal), "the sign-in event: " + login);
        AssertEqual(true, (await KeyAsync(server, admin)).LastUsed is not null, "the key's last use");

        browser.Open(Origin(server) + "/admin/");
        AssertEqual(("/admin/", "Administration · Cheeseshop"), (PathOf(browser), browser.Driver.Title), "the admin pages with a key as the second factor");

        // The list shows the key; removing it asks for the password, and takes the recovery codes with the last factor.
        browser.Open(Origin(server) + "/manage/account/two-factor");
        AssertAccessible(browser, "the two-factor page with a key");
        Assert.Empty(browser.ForeignRequests(Origin(server)));
        var blocked = browser.ConsoleMessages().Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(blocked.Count == 0, "the pages' script breaks no rule of their policy:\n" + string.Join("\n", blocked));
        var row = browser.Driver.FindElement(By.CssSelector("#security-keys tbody tr"));
        AssertEqual(true, row.Text.Contains("virtual key A", StringComparison.Ordinal) && row.Text.Contains(DateTime.UtcNow.ToString("yyyy-MM-dd"), StringComparison.Ordinal), "the key's row: " + row.Text);
        row.FindElement(By.CssSelector("input[type=password]")).SendKeys("not the password");
        var refused = Submit(browser, row.FindElement(By.XPath(".//button[normalize-space()='Remove']")), "the answer to a removal");
        AssertEqual(true, refused.Contains("Your current password is not correct", StringComparison.Ordinal), "a removal with a wrong password: " + refused);
        AssertEqual(1, await KeyCountAsync(server, admin), "keys after the wrong password");
        row = browser.Driver.FindElement(By.CssSelector("#security-keys tbody tr"));
        row.FindElement(By.CssSelector("input[type=password]")).SendKeys(Password);
        var removed = Submit(browser, row.FindElement(By.XPath(".//button[normalize-space()='Remove']")), "the answer to a removal");
        AssertEqual(true, removed.Contains("The security key \"virtual key A\" was removed", StringComparison.Ordinal), "the removal: " + removed);
        AssertEqual(0, await KeyCountAsync(server, admin), "keys after the removal");
        AssertEqual(0, await server.WithDbAsync(d => d.RecoveryCodes.CountAsync(r => r.UserId == stored.UserId)), "recovery codes without a second factor");
        AssertEqual(1, (await EventsAsync(server, admin, "account:two_factor:method_removed")).Count, "removal events");
        browser.Open(Origin(server) + "/admin/");
        AssertEqual("/manage/account/two-factor", PathOf(browser), "the admin pages once the key is gone");
        Driver(browser).RemoveVirtualAuthenticator(authenticator);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_wrong_key_a_counter_that_went_back_a_replay_and_a_stranger_credential_are_refused(Database db)
    {
        var server = await ServerAsync(db);
        var user = Unique("keyuser", db);
        await server.CreateUserAsync(user, Password);
        using var browser = BrowserSession.Start();
        var first = Driver(browser).AddVirtualAuthenticator(Usb());
        PasswordStep(browser, server, user);
        AddKey(browser, server, "real key");
        var recoveryCodes = browser.Driver.FindElements(By.CssSelector("#recovery-codes code")).Select(c => c.Text).ToList();
        var real = Assert.Single(Driver(browser).GetCredentials());
        PasswordStep(browser, server, user);
        AssertEqual("/manage/projects", UseKey(browser).Path, "a sign-in with the real key");
        var counted = Assert.Single(Driver(browser).GetCredentials()).SignCount;
        Driver(browser).RemoveVirtualAuthenticator(first);

        // Another authenticator holding a credential under the same id, but not its private key.
        Driver(browser).AddVirtualAuthenticator(Usb());
        Driver(browser).AddCredential(Credential.CreateNonResidentCredential(real.Id, "localhost", NewPrivateKey(), counted + 10));
        AssertEqual("/account/two-factor", PasswordStep(browser, server, user), "the password step");
        var (path, text) = UseKey(browser);
        AssertEqual("/account/two-factor", path, "where a wrong key's answer lands");
        AssertEqual(true, text.Contains("The security key's answer was refused", StringComparison.Ordinal), "the refusal of a wrong key: " + text);
        AssertReason(await EventsAsync(server, user, "account:login:failure"), "invalid_webauthn_assertion");

        // The real key's copy with its counter set back.
        Driver(browser).RemoveAllCredentials();
        Driver(browser).AddCredential(Credential.CreateNonResidentCredential(real.Id, "localhost", real.PrivateKey, 0));
        (path, text) = UseKey(browser);
        AssertEqual("/account/two-factor", path, "where a copied key's answer lands");
        AssertEqual(true, text.Contains("signature counter went backwards", StringComparison.Ordinal), "the refusal of a counter that went back: " + text);
        AssertReason(await EventsAsync(server, user, "account:login:failure"), "webauthn_counter_regressed");

        // A good answer, caught before the page sends it, then sent twice as an eavesdropper would.
        Driver(browser).RemoveAllCredentials();
        Driver(browser).AddCredential(Credential.CreateNonResidentCredential(real.Id, "localhost", real.PrivateKey, counted + 100));
        browser.Driver.Navigate().Refresh();
        ((IJavaScriptExecutor)browser.Driver).ExecuteScript(
            "window.__captured = null; HTMLFormElement.prototype.submit = function () { window.__captured = JSON.stringify(Array.from(new FormData(this).entries())); };");
        browser.Driver.FindElement(By.XPath("//button[normalize-space()='Use security key']")).Click();
        string? captured = null;
        Until(browser, () => (captured = ((IJavaScriptExecutor)browser.Driver).ExecuteScript("return window.__captured;") as string) is not null, "the caught answer");
        var fields = JsonSerializer.Deserialize<string[][]>(captured!)!.ToDictionary(f => f[0], f => f[1]);
        var cookies = string.Join("; ", browser.Driver.Manage().Cookies.AllCookies.Select(c => $"{c.Name}={c.Value}"));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(Origin(server) + "/") };

        // The caught answer under another pending sign-in of the same account (its own password step elsewhere):
        // the challenge was not issued to that sign-in.
        using (var elsewhere = new Browser(server, "203.0.113.132"))
        {
            AssertRedirect(await LoginAsync(elsewhere, user), "/account/two-factor", "a second password step");
            var pending = elsewhere.Cookies.GetAllCookies().Single(c => c.Name == "cheeseshop_two_factor");
            var swapped = string.Join("; ", browser.Driver.Manage().Cookies.AllCookies
                .Select(c => c.Name == pending.Name ? $"{c.Name}={pending.Value}" : $"{c.Name}={c.Value}"));
            var (mismatchCode, mismatchBody) = await PostAsync(http, swapped, fields);
            AssertEqual(400, mismatchCode, "an answer to another sign-in's challenge: " + mismatchBody);
            AssertEqual(true, mismatchBody.Contains("expired or was already used", StringComparison.Ordinal), "the refusal of a mismatched challenge: " + mismatchBody);
            AssertReason(await EventsAsync(server, user, "account:login:failure"), "expired_webauthn_challenge");
        }

        var stranger = new Dictionary<string, string>(fields);
        var response = JsonNode.Parse(stranger["webauthn_response"])!;
        response["id"] = "c3RyYW5nZXIta2V5LWlk";
        response["rawId"] = "c3RyYW5nZXIta2V5LWlk";
        stranger["webauthn_response"] = response.ToJsonString();
        var (code, body) = await PostAsync(http, cookies, stranger);
        AssertEqual(400, code, "a credential that is not the account's: " + body);
        AssertEqual(true, body.Contains("not registered to this account", StringComparison.Ordinal), "the refusal of a stranger credential: " + body);

        // Sent twice at once (the owner's browser and an eavesdropper racing): exactly one passes.
        var raced = await Task.WhenAll(PostAsync(http, cookies, fields), PostAsync(http, cookies, fields));
        AssertEqual("302 400", string.Join(" ", raced.Select(r => r.Item1).Order()),
            "the caught answer sent twice at once: " + string.Join("\n---\n", raced.Select(r => r.Item2)));
        (code, body) = await PostAsync(http, cookies, fields);
        AssertEqual(400, code, "the same answer again: " + body);
        AssertEqual(true, body.Contains("expired or was already used", StringComparison.Ordinal), "the refusal of a replay: " + body);
        AssertReason(await EventsAsync(server, user, "account:login:failure"), "replayed_webauthn_challenge");

        AssertEqual(2, (await EventsAsync(server, user, "account:login:success")).Count(e => e.Contains("webauthn", StringComparison.Ordinal)),
            "sign-ins with the key: the first, and the caught answer's once");

        // Without script (a plain HTTP client), an account with a key still signs in with a recovery code, turns
        // on an authenticator app, and signs in with its code.
        using (var plain = new Browser(server, "203.0.113.131"))
        {
            AssertRedirect(await LoginAsync(plain, user), "/account/two-factor", "the password step without script");
            AssertRedirect(await SubmitHandlerAsync(plain, "/account/two-factor", "Recovery", Form(("recovery_code", recoveryCodes[0]))),
                "/manage/projects", "a recovery code of the key's account");
            var (secret, _) = await EnableTotpAsync(plain);
            await LogoutAsync(plain);
            AssertRedirect(await LoginAsync(plain, user), "/account/two-factor", "the password step with a key and an app");
            var step = await plain.GetAsync("/account/two-factor");
            AssertContains("Use security key", step, "the second step offers the key");
            AssertRedirect(await SubmitHandlerAsync(plain, "/account/two-factor", "Totp", Form(("code", NextTotp(secret)))),
                "/manage/projects", "the app's code beside a key");
        }

        // Deleting the account takes its keys with it.
        Driver(browser).RemoveAllCredentials();
        Driver(browser).AddCredential(Credential.CreateNonResidentCredential(real.Id, "localhost", real.PrivateKey, counted + 200));
        PasswordStep(browser, server, user);
        AssertEqual("/manage/projects", UseKey(browser).Path, "a sign-in with the real key before deleting the account");
        browser.Open(Origin(server) + "/manage/account/delete");
        browser.Driver.FindElement(By.Id("password")).SendKeys(Password);
        Submit(browser, browser.Driver.FindElement(By.XPath("//button[normalize-space()='Delete my account']")), "the page after deleting the account");
        AssertEqual(0, await server.WithDbAsync(d => d.SecurityKeys.CountAsync(k => k.CredentialId == real.Id)), "keys after the account's deletion");
    }

    private static async Task<(int, string)> PostAsync(HttpClient http, string cookies, IDictionary<string, string> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/two-factor?handler=SecurityKey") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookies);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private void AssertReason(List<string> failures, string reason) =>
        AssertEqual(true, failures.Count > 0 && failures[^1].Contains($"\"{reason}\"", StringComparison.Ordinal),
            $"the last failure's reason is {reason}: {string.Join(", ", failures)}");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A P-256 private key as the virtual authenticator takes it: PKCS#8, base64url.</summary>
    private static string NewPrivateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
