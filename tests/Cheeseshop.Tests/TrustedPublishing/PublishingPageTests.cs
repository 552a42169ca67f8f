using System.Net.Http.Json;
using System.Text.Json;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>/manage/project/{name}/publishing/: Owners add and remove publishers; anyone signed in registers a
/// pending one for a name nobody has taken; every change is a POST with a CSRF token.</summary>
public sealed class PublishingPageTests(TrustedPublishingServers servers, ITestOutputHelper output)
    : AccountTest(servers, output), IClassFixture<TrustedPublishingServers>
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Owners_add_a_publisher_see_its_live_tokens_and_remove_it(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("tp-olga", db);
        var stranger = Unique("tp-sam", db);
        var project = Unique("tp-page", db);
        await RoleTests.CreateProjectAsync(server, owner, project);
        await server.CreateUserAsync(stranger, Password);
        using var ownerBrowser = new Browser(server, "203.0.113.91");
        using var strangerBrowser = new Browser(server, "203.0.113.92");
        await SignedInAsync(ownerBrowser, owner);
        await SignedInAsync(strangerBrowser, stranger);
        var page = $"/manage/project/{project}/publishing/";

        AssertContains("Add a GitHub Actions publisher", await ownerBrowser.GetAsync(page), "the Owner's page");
        AssertStatus(403, await strangerBrowser.GetAsync(page), "a user with no role");
        var strangerToken = Browser.CsrfToken((await strangerBrowser.GetAsync("/manage/account")).Html);
        AssertStatus(403, await strangerBrowser.PostAsync(page + "?handler=GitHub", Form(("repository", "octo/x"), ("workflow", "release.yml")), strangerToken),
            "a user with no role adding");
        AssertStatus(400, await SubmitHandlerAsync(ownerBrowser, page, "GitHub", Form(("repository", "octo"), ("workflow", "release.yml"))), "a repository without an owner");
        AssertStatus(400, await ownerBrowser.PostAsync(page + "?handler=GitHub", Form(("repository", "octo/page"), ("workflow", "release.yml")), csrfToken: null), "no CSRF token");
        AssertEqual(0, await PublishersAsync(server, project), "publishers after refusals");

        var repository = $"octo/{project}";
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "GitHub", Form(("repository", repository), ("workflow", "release.yml"), ("environment", ""))), page, "adding");
        AssertContains($"GitHub {repository}, workflow release.yml", await ownerBrowser.GetAsync(page), "the listed publisher");

        var jwt = await servers.Issuer.TokenAsync("github", TrustedPublishingTests.GitHubClaims(repository, environment: null));
        using (var minted = await server.Http.PostAsJsonAsync("/_/oidc/mint-token", new { token = jwt }))
            AssertEqual(200, (int)minted.StatusCode, "mint: " + await minted.Content.ReadAsStringAsync());
        var listed = await ownerBrowser.GetAsync(page);
        AssertContains("UTC by " + owner + " 1 Remove", listed, "one live token");

        // A GET never changes anything: with a handler it only shows the page.
        AssertStatus(200, await ownerBrowser.GetAsync(page + "?handler=Remove&publisher_id=" + HiddenField(listed.Html, "publisher_id")), "a removal by GET");
        AssertEqual(1, await PublishersAsync(server, project), "publishers after a GET with a handler");
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Remove", Form(), "publisher_id"), page, "removing");
        AssertContains("None yet", await ownerBrowser.GetAsync(page), "the page after removal");
        AssertEqual(0, await server.WithDbAsync(d => d.ApiTokens.CountAsync(t => t.PublisherId != null && d.Projects.Any(x => x.Id == t.ProjectId && x.Name == project))), "tokens of the removed publisher");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_signed_in_user_registers_a_pending_publisher_for_a_free_name(Database db)
    {
        var server = await ServerAsync(db);
        var user = Unique("tp-pat", db);
        var name = Unique("tp-future", db);
        await server.CreateUserAsync(user, Password);
        using var browser = new Browser(server, "203.0.113.93");
        await SignedInAsync(browser, user);
        var page = $"/manage/project/{name}/publishing/";
        AssertContains("does not exist yet", await browser.GetAsync(page), "the page of a free name");
        AssertRedirect(await SubmitHandlerAsync(browser, page, "Generic",
            Form(("issuer", servers.Issuer.Issuer("generic")), ("sub", "ci:" + name), ("claims", "team=cheddar\nbranch=main"))), page, "adding a pending publisher");
        AssertContains($"sub ci:{name}, branch=main, team=cheddar (pending)", await browser.GetAsync(page), "the pending publisher");
        AssertStatus(400, await SubmitHandlerAsync(browser, page, "Generic",
            Form(("issuer", servers.Issuer.Issuer("generic")), ("sub", "ci:x"), ("claims", "no-equals-sign"))), "a claim line without =");
        AssertStatus(400, await SubmitHandlerAsync(browser, page, "Generic",
            Form(("issuer", servers.Issuer.Issuer("unknown")), ("sub", "ci:x"))), "an issuer that is not configured");
        var events = await server.WithDbAsync(d => d.UserEvents.Where(e => e.Tag == "account:oidc:pending-publisher-added")
            .Select(e => e.AdditionalJson).ToListAsync());
        Assert.Contains(events, e => e.Contains($"\"project_name\":\"{name}\""));
    }

    private static Task<int> PublishersAsync(CheeseshopServer server, string project) =>
        server.WithDbAsync(d => d.TrustedPublishers.CountAsync(p => d.Projects.Any(x => x.Id == p.ProjectId && x.Name == project)));

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_pending_publisher_is_refused_when_new_projects_are_for_administrators_only(Database db)
    {
        var settings = TrustedPublishingServers.Settings(servers.Issuer);
        settings["CHEESESHOP_Projects__Create"] = "admins";
        await using var server = await CheeseshopServer.StartAsync(db, settings: settings);
        var user = Unique("tp-adina", db);
        var name = Unique("tp-admins-only", db);
        await server.CreateUserAsync(user, Password);
        using var browser = new Browser(server, "203.0.113.94");
        await SignedInAsync(browser, user);
        var page = $"/manage/project/{name}/publishing/";
        var refused = await SubmitHandlerAsync(browser, page, "Generic", Form(("issuer", servers.Issuer.Issuer("generic")), ("sub", "ci:" + name)));
        AssertStatus(403, refused, "a pending publisher from a user who could not create the project");
        AssertContains("created only by its administrators", refused, "the refusal");
        AssertEqual(0, await server.WithDbAsync(d => d.TrustedPublishers.CountAsync(p => p.PendingNormalizedName == name)), "publishers after the refusal");
    }
}
