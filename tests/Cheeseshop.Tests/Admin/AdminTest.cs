using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Admin;

/// <summary>Shared steps of the admin page tests: an administrator made with `users create --admin`, signed in
/// through the pages with two-factor turned on, as the admin pages require.</summary>
public abstract class AdminTest(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    /// <summary>Creates an administrator, signs in, is sent to set up TOTP on the first visit to /admin/, sets it
    /// up, and reaches /admin/. Returns the browser, signed in.</summary>
    protected async Task<Browser> AdminBrowserAsync(CheeseshopServer server, string admin, string clientAddress)
    {
        await server.CreateUserAsync(admin, Password, admin: true);
        var browser = new Browser(server, clientAddress);
        await SignedInAsync(browser, admin);
        AssertRedirect(await browser.GetAsync("/admin/"), "/manage/account/two-factor", "an administrator without two-factor opening /admin/");
        await EnableTotpAsync(browser);
        var home = await browser.GetAsync("/admin/");
        AssertStatus(200, home, "/admin/ for an administrator with two-factor");
        AssertContains("Find users and projects", home, "the admin page");
        return browser;
    }

    /// <summary>A form post whose answer is a file: the same cookies and client as <paramref name="browser"/>, the
    /// body kept as bytes.</summary>
    protected static async Task<(HttpResponseMessage Response, byte[] Body)> DownloadAsync(CheeseshopServer server, Browser browser,
        string formPage, string handler)
    {
        var page = await browser.GetAsync(formPage);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false })
            { BaseAddress = new Uri(server.BaseUrl + "/") };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", browser.ClientAddress);
        var response = await http.PostAsync($"{formPage.TrimStart('/')}?handler={handler}",
            new FormUrlEncodedContent([new("csrf_token", Browser.CsrfToken(page.Html))]));
        return (response, await response.Content.ReadAsByteArrayAsync());
    }
}
