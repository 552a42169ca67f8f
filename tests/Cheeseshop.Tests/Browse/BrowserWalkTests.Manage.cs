using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Harness;
using Cheeseshop.Tests.Infrastructure;
using Cheeseshop.Tests.Legal;
using OpenQA.Selenium;
using OtpNet;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Browse;

/// <summary>
/// The signed-in half of the walk, in the same real browser: an owner signs in through the form and yanks a
/// release with a reason from the manage page, and the public page and the Simple API show the yank; an
/// administrator signs in, sets up two-factor as the admin pages require, records a legal request, produces
/// it and downloads the package; invites someone, who opens the emailed link, chooses a username and password
/// and lands signed in. axe-core checks every manage, admin and invitation page on the way.
/// </summary>
public sealed partial class BrowserWalkTests
{
    private const string Project = "cheese-yank-bwm";

    [Fact]
    public async Task An_owner_yanks_and_an_administrator_works_a_legal_request_and_invites_in_the_browser()
    {
        var server = await ServerAsync(Database.Sqlite);
        const string owner = "owner-bwm";
        var token = await UploaderAsync(server, owner);
        foreach (var version in new[] { "1.0", "2.0" })
            using (var upload = await UploadWheelAsync(server, token, Project, version))
                AssertEqual(200, (int)upload.StatusCode, $"uploading {Project} {version}");
        using var browser = BrowserSession.Start();

        SignIn(browser, server, owner);
        Check(browser, "manage-projects", "Your projects");
        YankFromManagePage(browser, server);
        using (var simple = await server.Http.GetAsync($"simple/{Project}/"))
            Assert.Contains("data-yanked=\"superseded by 2.0\"", await simple.Content.ReadAsStringAsync());
        foreach (var (path, title) in new[] { ("/manage/account", "Your account"), ("/manage/account/tokens", "API tokens"),
                     ($"/manage/project/{Project}/collaborators", $"Collaborators of {Project}") })
        {
            browser.Open(server.BaseUrl + path);
            Check(browser, "manage" + path.Replace('/', '-'), title);
        }

        browser.Driver.Manage().Cookies.DeleteAllCookies();
        const string admin = "admin-bwm";
        await server.CreateUserAsync(admin, Password, admin: true);
        SignIn(browser, server, admin);
        SetUpTwoFactorForAdmin(browser, server);
        ProduceALegalRequest(browser, server, owner);
        foreach (var (path, title) in new[] { ("/admin/audit", "Admin: audit log"), ("/admin/retention", "Admin: retention"),
                     ($"/admin/user/{owner}", $"Admin: user {owner}"), ($"/admin/project/{Project}", $"Admin: project {Project}") })
        {
            browser.Open(server.BaseUrl + path);
            Check(browser, "admin" + path.Replace('/', '-'), title);
        }
        InviteAndAccept(browser, server);

        Assert.Empty(browser.ForeignRequests(server.BaseUrl));
    }

    /// <summary>The page's title is <paramref name="title"/>; a screenshot is kept and axe-core finds nothing serious.</summary>
    private void Check(BrowserSession browser, string page, string title)
    {
        AssertEqual($"{title} · Cheeseshop", browser.Driver.Title, $"title of the {page} page");
        Log("screenshot " + browser.Screenshot($"walk-{page}"));
        AssertAccessible(browser, page);
    }

    private static void Type(BrowserSession browser, string id, string text)
    {
        var field = browser.Driver.FindElement(By.Id(id));
        field.Clear();
        field.SendKeys(text);
    }

    /// <summary>Clicks a button of the page's main part and, unless it starts a download, waits until the answer
    /// has replaced the page: a click returns as soon as it is sent, before the next page is there.</summary>
    private static void Press(BrowserSession browser, string buttonText, bool navigates = true)
    {
        var before = browser.Driver.FindElement(By.TagName("html"));
        browser.Driver.FindElement(By.XPath($"//main//button[normalize-space()='{buttonText}']")).Click();
        if (!navigates) return;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            try
            {
                _ = before.Enabled;
            }
            catch (StaleElementReferenceException)
            {
                return;
            }
            catch (WebDriverException e) when (e.Message.Contains("does not belong to the document", StringComparison.Ordinal))
            {
                // Chromium's answer when the old page goes while it is being asked about it.
                return;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"Pressing '{buttonText}' did not lead to another page within 30 s.");
    }

    private string Notice(BrowserSession browser) => browser.Driver.FindElement(By.CssSelector("p.notice")).Text;

    private void SignIn(BrowserSession browser, CheeseshopServer server, string username)
    {
        browser.Open(server.BaseUrl + "/account/login");
        Type(browser, "username", username);
        Type(browser, "password", Password);
        Press(browser, "Sign in");
        AssertEqual(server.BaseUrl + "/manage/projects", browser.Driver.Url, $"where {username} lands after signing in");
    }

    private void YankFromManagePage(BrowserSession browser, CheeseshopServer server)
    {
        browser.Driver.FindElement(By.CssSelector($"main a[href='/manage/project/{Project}/']")).Click();
        Check(browser, "manage-project", $"Manage {Project}");
        Type(browser, "reason-release-1-0", "superseded by 2.0");
        Press(browser, "Yank 1.0");
        Assert.Contains("1.0", Notice(browser));
        Assert.Contains("yanked: superseded by 2.0", browser.Driver.FindElement(By.Id("release-1-0")).Text);
        Check(browser, "manage-project-yanked", $"Manage {Project}");

        browser.Driver.FindElement(By.LinkText("Public page")).Click();
        AssertEqual($"{Project} · Cheeseshop", browser.Driver.Title, "the public page");
        var history = browser.Driver.FindElement(By.CssSelector("ol.history")).Text;
        Assert.Contains("yanked", history);
        Assert.Contains("Reason: superseded by 2.0", history);
        browser.Open($"{server.BaseUrl}/project/{Project}/1.0/");
        Assert.Contains("This release has been yanked. Reason: superseded by 2.0", browser.Driver.FindElement(By.CssSelector("p.warning")).Text);
    }

    private void SetUpTwoFactorForAdmin(BrowserSession browser, CheeseshopServer server)
    {
        browser.Open(server.BaseUrl + "/admin/");
        AssertEqual(server.BaseUrl + "/manage/account/two-factor", browser.Driver.Url, "an administrator without two-factor opening /admin/");
        Check(browser, "manage-two-factor", "Two-factor authentication");
        var secret = Base32Encoding.ToBytes(browser.Driver.FindElement(By.Id("totp-secret")).Text.Trim());
        Type(browser, "code", new Totp(secret).ComputeTotp(DateTime.UtcNow));
        Press(browser, "Turn on two-factor authentication");
        AssertEqual(8, browser.Driver.FindElements(By.CssSelector("#recovery-codes code")).Count, "recovery codes shown");
        browser.Open(server.BaseUrl + "/admin/");
        Check(browser, "admin", "Administration");
    }

    private void ProduceALegalRequest(BrowserSession browser, CheeseshopServer server, string subject)
    {
        browser.Driver.FindElement(By.LinkText("Legal requests")).Click();
        Check(browser, "admin-legal", "Admin: legal requests");
        browser.Driver.FindElement(By.CssSelector("#legal-kind option[value='subpoena']")).Click();
        Type(browser, "legal-authority", "A Court");
        Type(browser, "legal-reference", "BW-1");
        // A date field takes keys in the browser's locale; its value is the same everywhere.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        ((IJavaScriptExecutor)browser.Driver).ExecuteScript(
            "document.getElementById('legal-received').value = arguments[0]; document.getElementById('legal-due').value = arguments[1];",
            today, DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd"));
        Type(browser, "legal-subjects", subject);
        Press(browser, "Record the request");
        Assert.Matches(@"/admin/legal/\d+$", browser.Driver.Url);
        var id = browser.Driver.Url.Split('/')[^1];
        Check(browser, "admin-legal-request", $"Admin: legal request {id}");

        var downloads = TempPaths.NewDirectory("downloads");
        browser.AllowDownloads(downloads);
        Press(browser, "Produce and download the package", navigates: false);
        var file = BrowserSession.WaitForDownload(downloads, TimeSpan.FromSeconds(60));
        Assert.StartsWith($"legal-request-{id}-", Path.GetFileName(file));
        var package = new DisclosurePackage(File.ReadAllBytes(file));
        Assert.Equal(["names", "addresses", "connection-records", "sessions", "length-of-service", "instrument-numbers", "payment", "packages", "download-logs"],
            package.Subject(subject).GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList());
        // The page records what was produced: the package's hash.
        browser.Driver.Navigate().Refresh();
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), browser.Driver.FindElement(By.TagName("main")).Text);
    }

    private void InviteAndAccept(BrowserSession browser, CheeseshopServer server)
    {
        const string email = "invitee-bwm@example.org";
        browser.Open(server.BaseUrl + "/admin/");
        browser.Driver.FindElement(By.LinkText("Invitations")).Click();
        Check(browser, "admin-invitations-empty", "Admin: invitations");
        Type(browser, "invite-email", email);
        Press(browser, "Send the invitation");
        Assert.Contains($"An invitation was sent to {email}", Notice(browser));
        Assert.Contains(email, browser.Driver.FindElement(By.CssSelector("main table")).Text);
        Check(browser, "admin-invitations", "Admin: invitations");

        var link = Outbox.Link(Outbox.Latest(server.DataDir, email, "invited to create an account"), "/account/invitation");
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.Open(server.BaseUrl + link);
        Check(browser, "invitation", "Create your account");
        AssertEqual(email, browser.Driver.FindElement(By.Id("invited-email")).Text, "the invited address on the page");
        Type(browser, "username", "invited-bwm");
        Type(browser, "password", Password);
        Type(browser, "password_confirm", Password);
        Press(browser, "Create account");
        AssertEqual(server.BaseUrl + "/manage/account", browser.Driver.Url, "where the invitee lands");
        Assert.Contains("Welcome, invited-bwm!", Notice(browser));

        browser.Open(server.BaseUrl + link);
        Check(browser, "invitation-used", "Create your account");
        Assert.Contains("already used", browser.Driver.FindElement(By.CssSelector("p.error")).Text);
    }
}
