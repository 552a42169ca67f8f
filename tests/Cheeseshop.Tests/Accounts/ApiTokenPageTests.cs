using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>A token made on the tokens page is what twine uploads with; deleting it stops it working.</summary>
public sealed class ApiTokenPageTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_token_created_on_the_page_uploads_with_twine(Database db)
    {
        var server = await ServerAsync(db);
        using var browser = new Browser(server, "203.0.113.71");
        var name = Unique("kim", db);
        var email = $"{name}@example.org";
        await RegisterAsync(browser, name, email);

        // Not before the address is verified, and never without the password.
        var unverified = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "laptop"), ("project", ""), ("password", Password)));
        AssertStatus(403, unverified, "a token before the email is verified");
        AssertContains("Verify your primary email address", unverified, "the refusal");
        await VerifyEmailAsync(server, browser, email);
        var noName = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create", Form(("description", " "), ("password", Password)));
        AssertStatus(400, noName, "a token without a name");
        var wrongPassword = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "laptop"), ("password", "not my password")));
        AssertStatus(403, wrongPassword, "a token with a wrong password");
        var badScope = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "laptop"), ("project", "someone-elses-project"), ("password", Password)));
        AssertStatus(400, badScope, "a token scoped to a project the user has no role on");

        var created = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "laptop upload"), ("project", ""), ("password", Password)));
        AssertStatus(200, created, "creating a token");
        Assert.Contains("no-store", created.Raw.Headers.CacheControl?.ToString());
        var token = Regex.Match(created.Html, "id=\"new-token\">([^<]+)<").Groups[1].Value;
        Assert.StartsWith("cheeseshop-", token);
        var list = await browser.GetAsync("/manage/account/tokens");
        Assert.DoesNotContain(token, list.Html);
        AssertContains("laptop upload", list, "the token list");
        AssertContains("Never", list, "a token not used yet");

        var built = await BuildAsync("cheese-alpha", "1.0.0", "-" + name.Replace("-", ""));
        await UploadAsync(server, token, built);
        list = await browser.GetAsync("/manage/account/tokens");
        Assert.DoesNotContain("Never", Text(list));
        AssertContains("All your projects", list, "the token's scope");
        AssertContains("Upload and read", list, "the upload token's permission");
        AssertContains("Does not expire", list, "a token made without a lifetime");

        // A read-only token with a lifetime: listed as such, refused for uploads with a message that says why.
        var reading = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "ci reader"), ("project", ""), ("scope", "read"), ("expires", "30d"), ("password", Password)));
        AssertStatus(200, reading, "creating a read-only token");
        var readToken = Regex.Match(reading.Html, "id=\"new-token\">([^<]+)<").Groups[1].Value;
        list = await browser.GetAsync("/manage/account/tokens");
        AssertContains("Read only", list, "the read token's permission");
        AssertContains(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"), list, "the read token's expiry, 30 days on");
        var readOnly = await TwineAsync(server, readToken, built.Files);
        AssertFailed(readOnly, "twine upload with a read-only token", "403", "read-only");
        var badLifetime = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", "forever"), ("scope", "read"), ("expires", "forever"), ("password", Password)));
        AssertStatus(400, badLifetime, "a token lifetime that is not a number of days");
        AssertContains("is not a token lifetime", badLifetime, "the refusal");
        var readId = Regex.Match(list.Html, "value=\"([0-9a-f-]{36})\">\\s*<button type=\"submit\" aria-label=\"Delete token ci reader\"").Groups[1].Value;
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account/tokens", "Delete", Form(("token_id", readId))),
            "/manage/account/tokens", "deleting the read token");
        list = await browser.GetAsync("/manage/account/tokens");

        // The upload made a project with this user as Owner; it shows on the projects page.
        var projects = await browser.GetAsync("/manage/projects");
        AssertContains(built.ProjectName, projects, "the projects page after the first upload");

        // An upload with a token sets no cookie: tokens never create sessions.
        using (var raw = new HttpClient(new HttpClientHandler { UseCookies = false }))
        {
            var wheel = Api.TestDistributions.Wheel(built.ProjectName, "1.0.1");
            using var form = Api.TestDistributions.UploadForm(built.ProjectName, "1.0.1", Api.TestDistributions.WheelName(built.ProjectName, "1.0.1"), wheel);
            using var request = new HttpRequestMessage(HttpMethod.Post, server.UploadUrl) { Content = form };
            request.Headers.Authorization = Api.TestDistributions.Token(token);
            using var response = await raw.SendAsync(request);
            Log($"direct upload: {(int)response.StatusCode} {response.ReasonPhrase}");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"), "an upload with a token must not set a cookie");
        }

        var tokenId = HiddenField(list.Html, "token_id");
        var deleted = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Delete", Form(("token_id", tokenId)));
        AssertRedirect(deleted, "/manage/account/tokens", "deleting the token");
        var third = await BuildAsync("cheese-alpha", "1.0.2", "-" + name.Replace("-", ""));
        var refused = await TwineAsync(server, token, third.Files);
        AssertFailed(refused, "twine upload with a deleted token", "403");

        var user = (await ServerDatabase.UserAsync(server, name))!;
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:api_token:added", e => Str(e, "description") == "laptop upload");
        AssertEvent(events, "account:api_token:removed", e => Str(e, "description") == "laptop upload");
        AssertEvent(events, "account:reauthenticate:failure", e => Str(e, "reason") == "invalid_password");
        await AssertAddressOnlyInIpAddressesAsync(server, "203.0.113.71");
    }
}
