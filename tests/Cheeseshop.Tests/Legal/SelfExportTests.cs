using System.Net;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// "Download your data": a signed-in user downloads their own package through the page, once a day; it
/// is the same package a legal request gets (kind data-subject), recorded, counted and notified.
/// </summary>
public sealed class SelfExportTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_signed_in_user_downloads_their_data_once_a_day(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("hana", db);
        var email = $"{name}@example.org";
        const string address = "203.0.113.80";
        using var browser = new Browser(server, address);
        AssertRedirect(await browser.GetAsync("/manage/account/data"), "/account/login", "the data page signed out");
        await RegisterAsync(browser, name, email);
        await VerifyEmailAsync(server, browser, email);
        var token = await CreateTokenOnPageAsync(browser, "ci");

        var account = await browser.GetAsync("/manage/account");
        AssertContains("Download your data", account, "the account page");
        var page = await browser.GetAsync("/manage/account/data");
        AssertStatus(200, page, "the data page");

        var (status, headers, body) = await PostForFileAsync(server, browser, page.Html);
        AssertEqual(HttpStatusCode.OK, status, "downloading the data");
        AssertEqual("application/zip", headers.ContentType?.MediaType, "content type");
        Assert.Contains(".zip", headers.ContentDisposition?.ToString() ?? "");
        var package = new DisclosurePackage(body);
        AssertEqual("data-subject", package.Request.GetProperty("kind").GetString(), "kind");
        Assert.Equal(9, package.Request.GetProperty("categories_requested").GetArrayLength());
        Assert.True(package.Request.GetProperty("scope").GetProperty("from").ValueKind == System.Text.Json.JsonValueKind.Null, "the whole history");
        AssertEqual(email, DisclosurePackage.Cell(Assert.Single(package.Rows(name, "addresses", "email-addresses")), "email"), "the user's address");
        Assert.Contains(package.Rows(name, "instrument-numbers", "ip-addresses"), r => DisclosurePackage.Cell(r, "ip_address") == address && r.GetProperty("registration").GetBoolean());
        AssertNoSecrets(package, [.. await StoredSecretsAsync(server), token, SessionCookie(server, browser)], "the self-service package");
        // Nothing of the package stays on the server.
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDir, "tmp"), "data-export-*"));

        var notice = Outbox.Latest(server.DataDir, email, "A copy of your account's data was produced");
        Assert.Contains("/manage/account/data", notice.Body);

        var again = await browser.SubmitAsync("/manage/account/data", Form());
        AssertStatus(429, again, "a second download the same day");
        AssertContains("once a day", again, "the refusal");
        Assert.NotNull(again.Raw.Headers.RetryAfter);
        AssertContains("You can download it again after", await browser.GetAsync("/manage/account/data"), "the page after a download");

        var list = await CliAsync(server, "legal", "list");
        AssertOutputContains(list, $"data-subject   received {Day(Today)}  closed {Day(Today)} (produced)  {name}", "legal list");

        // An administrator's export is the same package, recorded too.
        var path = Path.Combine(TempPaths.NewDirectory("export"), "export.zip");
        var export = await CliAsync(server, "users", "export", name, "--out", path);
        AssertSucceeded(export, "users export");
        var adminCopy = ReadProduced(export, path).Package;
        Assert.Equal(package.Subject(name).GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("key").GetString()),
            adminCopy.Subject(name).GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("key").GetString()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Two_clicks_at_once_give_one_download(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("ines", db);
        using var browser = new Browser(server, "203.0.113.84");
        await RegisterAsync(browser, name, $"{name}@example.org");
        var page = await browser.GetAsync("/manage/account/data");
        AssertStatus(200, page, "the data page");

        // Both requests pass the page's checks at the same moment; the once-a-day limit must still hold.
        var answers = await Task.WhenAll(PostForFileAsync(server, browser, page.Html), PostForFileAsync(server, browser, page.Html));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.Item1).Order());
        await using var dbc = ServerDatabase.Open(server);
        AssertEqual(1, await dbc.LegalRequestSubjects.CountAsync(s => s.Username == name), "requests recorded for the two clicks");
    }

    /// <summary>POSTs the page's form with the browser's cookies and CSRF token and returns the raw bytes.</summary>
    private static async Task<(HttpStatusCode, System.Net.Http.Headers.HttpContentHeaders, byte[])> PostForFileAsync(CheeseshopServer server, Browser browser, string formHtml)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false })
            { BaseAddress = new Uri(server.BaseUrl + "/") };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", browser.ClientAddress);
        using var response = await http.PostAsync("manage/account/data",
            new FormUrlEncodedContent([new("csrf_token", Browser.CsrfToken(formHtml))]));
        return (response.StatusCode, response.Content.Headers, await response.Content.ReadAsByteArrayAsync());
    }
}
