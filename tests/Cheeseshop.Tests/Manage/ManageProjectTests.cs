using System.Net.Http.Headers;
using System.Text.Json;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Manage;

/// <summary>
/// An Owner's /manage/project/{name}/ page: yank, un-yank and delete through the browser's forms, seen by
/// installers in the Simple API at once; refusals (wrong confirmation, no CSRF token, not an Owner) change
/// nothing; a Maintainer sees the page without its forms; each change is a project event in the page's
/// security history.
/// </summary>
public sealed class ManageProjectTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Owner_yanks_unyanks_and_deletes_from_the_page(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("mona", db);
        var project = Unique("Managed_Cheese", db);
        var normalized = project.ToLowerInvariant().Replace('_', '-');
        await RoleTests.CreateProjectAsync(server, owner, project);
        var token = await server.CreateTokenAsync(owner);
        AssertUploaded(await UploadWheelAsync(server, token, project, "2.0"), "the 2.0 wheel");
        using var browser = new Browser(server, "203.0.113.91");
        await SignedInAsync(browser, owner);
        var page = $"/manage/project/{normalized}/";
        var back = page.TrimEnd('/');

        AssertContains("Manage", await browser.GetAsync("/manage/projects"), "the projects page");
        Assert.Contains($"href=\"{page}\"", (await browser.GetAsync("/manage/projects")).Html);
        var shown = await browser.GetAsync(page);
        AssertStatus(200, shown, "the manage page");
        AssertContains(WheelName(project, "2.0"), shown, "the 2.0 file listed");
        AssertContains(WheelName(project, "1.0"), shown, "the 1.0 file listed");

        // Yank with a reason: both forms of the Simple API mark the file, with the reason.
        AssertRedirect(await SubmitHandlerAsync(browser, page, "Yank", Form(("version", "2.0"), ("yanked_reason", "broken build"))), back, "yanking 2.0");
        AssertEqual("broken build", await YankedAsync(server, normalized, WheelName(project, "2.0")), "the JSON Simple API's yanked value");
        var html = await server.Http.GetStringAsync($"simple/{normalized}/");
        Assert.Contains("data-yanked=\"broken build\"", html);
        AssertContains("yanked: broken build", await browser.GetAsync(page), "the page marks the release yanked");
        AssertStatus(409, await SubmitHandlerAsync(browser, page, "Yank", Form(("version", "2.0"))), "yanking a yanked release");

        AssertRedirect(await SubmitHandlerAsync(browser, page, "Unyank", Form(("version", "2.0"))), back, "un-yanking 2.0");
        AssertEqual("false", await YankedAsync(server, normalized, WheelName(project, "2.0")), "yanked after un-yanking");

        // A wrong or missing confirmation, and a missing CSRF token, change nothing and say why.
        var wrong = await SubmitHandlerAsync(browser, page, "DeleteFile", Form(("filename", WheelName(project, "2.0")), ("confirm_project_name", normalized)));
        AssertStatus(400, wrong, "a deletion confirmed with the normalized name instead of the displayed one");
        AssertContains($"Nothing was deleted: '{normalized}' is not the same as '{project}'", wrong, "the reason");
        AssertStatus(400, await SubmitHandlerAsync(browser, page, "DeleteRelease", Form(("version", "2.0"))), "a deletion without confirmation");
        var noToken = await browser.PostAsync($"{page}?handler=DeleteRelease", Form(("version", "2.0"), ("confirm_project_name", project)), csrfToken: null);
        AssertStatus(400, noToken, "a deletion without a CSRF token");
        Assert.Contains("security token", noToken.Html);
        AssertEqual("false", await YankedAsync(server, normalized, WheelName(project, "2.0")), "the 2.0 file after the refusals");

        // Delete one file, then a release: the Simple API stops listing them, and their filenames stay used.
        AssertRedirect(await SubmitHandlerAsync(browser, page, "DeleteFile", Form(("filename", WheelName(project, "2.0")), ("confirm_project_name", project))), back, "deleting the 2.0 wheel");
        AssertRedirect(await SubmitHandlerAsync(browser, page, "DeleteRelease", Form(("version", "1.0"), ("confirm_project_name", $"  {project} "))), back, "deleting release 1.0");
        var files = await SimpleFilesAsync(server, normalized);
        AssertEqual(0, files.Count, $"files the Simple API lists after the deletions: {string.Join(", ", files.Select(f => f.Filename))}");
        Assert.DoesNotContain(WheelName(project, "1.0"), await server.Http.GetStringAsync($"simple/{normalized}/"));
        foreach (var version in new[] { "1.0", "2.0" })
        {
            using var again = await UploadWheelAsync(server, token, project, version);
            AssertEqual(400, (int)again.StatusCode, $"uploading the deleted {version} wheel again");
            Assert.Contains("previously used", again.ReasonPhrase);
        }

        // The security history: each change, by whom, from which country and keyed client, never the address.
        var history = await browser.GetAsync(page);
        foreach (var line in new[] { "Release 2.0 yanked: broken build", "Release 2.0 un-yanked", $"File {WheelName(project, "2.0")} deleted from 2.0", "Release 1.0 deleted" })
            AssertContains(line, history, "the security history");
        Assert.DoesNotContain("203.0.113.91", history.Html);
        var events = await ServerDatabase.ProjectEventsAsync(server, normalized);
        foreach (var tag in new[] { "project:release:yank", "project:release:unyank", "file:remove", "project:release:remove" })
        {
            var e = events.SingleOrDefault(x => x.Tag == tag) ?? throw new Xunit.Sdk.XunitException($"no {tag} event");
            using var additional = JsonDocument.Parse(e.AdditionalJson);
            AssertEqual(owner, additional.RootElement.GetProperty("submitted_by").GetString(), $"{tag}: submitted_by");
            Assert.NotNull(e.IpAddressId);
        }
        var journal = (await ServerDatabase.JournalAsync(server, project)).Select(j => j.Action).ToList();
        foreach (var action in new[] { "yank release", "unyank release", $"remove file {WheelName(project, "2.0")}", "remove release" })
            Assert.Contains(action, journal);
        await AssertAddressOnlyInIpAddressesAsync(server, "203.0.113.91");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Others_are_refused_and_change_nothing(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("nils", db);
        var stranger = Unique("otto", db);
        var project = Unique("guarded", db);
        await RoleTests.CreateProjectAsync(server, owner, project);
        await server.CreateUserAsync(stranger, Password);
        using var browser = new Browser(server, "203.0.113.92");
        await SignedInAsync(browser, stranger);
        var page = $"/manage/project/{project}/";

        var look = await browser.GetAsync(page);
        AssertStatus(403, look, "a user with no role opening the page");
        AssertContains($"You have no role on {project}", look, "the reason");
        AssertStatus(404, await browser.GetAsync("/manage/project/no-such-project-here/"), "an unknown project");
        // The stranger posts with a token of their own session (taken from a page they may open).
        var csrf = Browser.CsrfToken((await browser.GetAsync("/manage/account")).Html);
        var yank = await browser.PostAsync($"{page}?handler=Yank", Form(("version", "1.0"), ("yanked_reason", "mine now")), csrf);
        AssertStatus(403, yank, "a user with no role yanking");
        var delete = await browser.PostAsync($"{page}?handler=DeleteRelease", Form(("version", "1.0"), ("confirm_project_name", project)), csrf);
        AssertStatus(403, delete, "a user with no role deleting");
        AssertEqual("false", await YankedAsync(server, project, WheelName(project, "1.0")), "the release after the refusals");
        AssertEqual(1, (await SimpleFilesAsync(server, project)).Count, "files after the refusals");

        using var anonymous = new Browser(server, "203.0.113.93");
        AssertRedirect(await anonymous.GetAsync(page), "/account/login", "the page without signing in");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_Maintainer_sees_the_page_read_only(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("rita", db);
        var maintainer = Unique("sven", db);
        var project = Unique("Shared_Cheese", db);
        await RoleTests.CreateProjectAsync(server, owner, project);
        await server.CreateUserAsync(maintainer, Password);
        using var ownerBrowser = new Browser(server, "203.0.113.94");
        using var browser = new Browser(server, "203.0.113.95");
        await SignedInAsync(ownerBrowser, owner);
        await SignedInAsync(browser, maintainer);
        var collaborators = $"/manage/project/{project}/collaborators";
        // Page URLs are written in lower case by the routing options.
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, collaborators, "Invite", Form(("username", maintainer), ("role", "Maintainer"))), collaborators.ToLowerInvariant(), "inviting a Maintainer");
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/projects", "Accept", Form(), "invitation_id"), "/manage/projects", "accepting the invitation");

        var page = $"/manage/project/{project}/";
        var shown = await browser.GetAsync(page);
        AssertStatus(200, shown, "a Maintainer opening the page");
        AssertContains("Your role: Maintainer", shown, "the role shown");
        AssertContains(WheelName(project, "1.0"), shown, "the file listed");
        AssertContains("Release 1.0 created", shown, "the security history");
        foreach (var handler in new[] { "Yank", "Unyank", "DeleteRelease", "DeleteFile" })
            Assert.DoesNotContain($"handler={handler}", shown.Html);
        Assert.DoesNotContain("confirm_project_name", shown.Html);

        // The forms are not there, and posting them anyway (with a token of the Maintainer's own session) is
        // refused for the role before the confirmation is looked at.
        var csrf = Browser.CsrfToken((await browser.GetAsync("/manage/account")).Html);
        var yank = await browser.PostAsync($"{page}?handler=Yank", Form(("version", "1.0")), csrf);
        AssertStatus(403, yank, "a Maintainer yanking");
        AssertContains($"Only Owners of {project}", yank, "the reason");
        var delete = await browser.PostAsync($"{page}?handler=DeleteFile", Form(("filename", WheelName(project, "1.0")), ("confirm_project_name", "wrong")), csrf);
        AssertStatus(403, delete, "a Maintainer deleting a file, confirmed wrongly");
        AssertStatus(403, await browser.PostAsync($"{page}?handler=DeleteRelease", Form(("version", "1.0"), ("confirm_project_name", project)), csrf),
            "a Maintainer deleting the release");
        AssertEqual("false", await YankedAsync(server, project, WheelName(project, "1.0")), "the release after the refusals");
        AssertEqual(1, (await SimpleFilesAsync(server, project)).Count, "files after the refusals");
    }

    private static void AssertUploaded(HttpResponseMessage response, string what)
    {
        using (response) Assert.True(response.IsSuccessStatusCode, $"uploading {what}: {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>The PEP 691 listing's files as (filename, yanked as JSON text: false or the reason).</summary>
    private static async Task<List<(string Filename, string Yanked)>> SimpleFilesAsync(CheeseshopServer server, string project)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.pypi.simple.v1+json"));
        using var response = await server.Http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("filename").GetString()!, f.GetProperty("yanked") is var y && y.ValueKind == JsonValueKind.String ? y.GetString()! : y.GetRawText()))
            .ToList();
    }

    private static async Task<string> YankedAsync(CheeseshopServer server, string project, string filename) =>
        (await SimpleFilesAsync(server, project)).Single(f => f.Filename == filename).Yanked;
}
