using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Admin;

/// <summary>
/// /admin/: hidden (404) from everyone but administrators, who need two-factor first; finds users and projects;
/// disables and enables an account (sign-in and API tokens refused with the reason); prohibits a name (uploads
/// refused); removes a project (refused under a legal hold; gone from the Simple API, its filenames never
/// reusable). Each action is one admin audit row naming the administrator.
/// </summary>
public sealed class AdminPagesTests(ServerFixture servers, ITestOutputHelper output) : AdminTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Only_administrators_with_two_factor_see_the_area(Database db)
    {
        var server = await ServerAsync(db);
        var person = Unique("nemo", db);
        await server.CreateUserAsync(person, Password);
        using var anonymous = new Browser(server, "203.0.113.101");
        foreach (var path in new[] { "/admin/", "/admin/user/" + person, "/admin/project/anything" })
            AssertStatus(404, await anonymous.GetAsync(path), $"{path} without signing in");
        using var user = new Browser(server, "203.0.113.102");
        await SignedInAsync(user, person);
        foreach (var path in new[] { "/admin/", "/admin/user/" + person })
        {
            var page = await user.GetAsync(path);
            AssertStatus(404, page, $"{path} for a user who is not an administrator");
            Assert.DoesNotContain("Find users", page.Html);
        }
        var form = await user.GetAsync("/manage/account");
        var post = await user.PostAsync("/admin/?handler=Prohibit", Form(("name", "x"), ("reason", "y")), Browser.CsrfToken(form.Html));
        AssertStatus(404, post, "a prohibition posted by a user who is not an administrator");

        using var admin = await AdminBrowserAsync(server, Unique("root", db), "203.0.113.103");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Admin_finds_disables_and_enables_a_user(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("disa", db);
        var project = Unique("Disabled_Cheese", db);
        var normalized = project.ToLowerInvariant().Replace('_', '-');
        await RoleTests.CreateProjectAsync(server, owner, project);
        var token = await server.CreateTokenAsync(owner);
        var adminName = Unique("boss", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.104");
        using var ownerBrowser = new Browser(server, "203.0.113.105");
        await SignedInAsync(ownerBrowser, owner);

        var found = await admin.GetAsync("/admin/?q=" + owner[..^2]);
        AssertStatus(200, found, "searching users");
        Assert.Contains($"href=\"/admin/user/{owner}\"", found.Html);
        var byProject = await admin.GetAsync("/admin/?q=" + project.ToUpperInvariant());
        Assert.Contains($"href=\"/admin/project/{normalized}\"", byProject.Html);
        AssertContains($"No user matches", await admin.GetAsync("/admin/?q=zz-nobody-zz"), "a search that finds nobody");
        AssertStatus(404, await admin.GetAsync("/admin/user/zz-nobody-zz"), "an unknown user's admin page");
        // A deactivated account has no admin page, so the search does not offer one.
        var inactive = Unique("disq", db);
        await server.CreateUserAsync(inactive, Password);
        await server.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
            d.Users.Where(u => u.Username == inactive), u => u.SetProperty(x => x.IsActive, false)));
        AssertStatus(404, await admin.GetAsync($"/admin/user/{inactive}"), "a deactivated user's admin page");
        var withInactive = await admin.GetAsync("/admin/?q=" + inactive);
        Assert.DoesNotContain($"href=\"/admin/user/{inactive}\"", withInactive.Html);
        Assert.Contains($"href=\"/admin/user/{owner}\"", (await admin.GetAsync("/admin/?q=" + owner)).Html);

        var page = $"/admin/user/{owner}";
        var shown = await admin.GetAsync(page);
        AssertContains($"{project} (Owner)", shown, "the user's roles");
        AssertStatus(400, await admin.PostAsync($"{page}?handler=Disable", Form(), csrfToken: null), "disabling without a CSRF token");
        AssertStatus(400, await SubmitHandlerAsync(admin, $"/admin/user/{adminName}", "Disable", Form()), "an administrator disabling themself");

        AssertRedirect(await SubmitHandlerAsync(admin, page, "Disable", Form()), page, "disabling the user");
        Assert.Contains("id=\"account-status\">disabled<", (await admin.GetAsync(page)).Html);
        AssertStatus(409, await SubmitHandlerAsync(admin, page, "Disable", Form()), "disabling a disabled user");
        AssertRedirect(await ownerBrowser.GetAsync("/manage/projects"), "/account/login", "the disabled user's open session");
        var login = await LoginAsync(ownerBrowser, owner);
        AssertStatus(403, login, "signing in to a disabled account");
        AssertContains("disabled by the index's administrators", login, "the reason for the refused sign-in");
        using (var upload = await UploadWheelAsync(server, token, project, "3.0"))
        {
            AssertEqual(403, (int)upload.StatusCode, "an upload with the disabled user's token");
            Assert.Contains("disabled", upload.ReasonPhrase);
        }
        AssertRedirect(await SubmitHandlerAsync(admin, page, "Enable", Form()), page, "enabling the user");
        await SignedInAsync(ownerBrowser, owner);
        using (var upload = await UploadWheelAsync(server, token, project, "3.0"))
            AssertEqual(200, (int)upload.StatusCode, "an upload with the token after enabling");
        var audit = await AuditAsync(server, "user:" + owner);
        AssertEqual("user.disable,user.enable", string.Join(",", audit.Select(a => a.Action)), "the audit rows about the user");
        Assert.All(audit, a => AssertEqual(adminName, a.Actor, "the audit row's actor"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Admin_prohibits_a_name_and_removes_a_project(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("remo", db);
        var project = Unique("Removed_Cheese", db);
        var normalized = project.ToLowerInvariant().Replace('_', '-');
        await RoleTests.CreateProjectAsync(server, owner, project);
        var token = await server.CreateTokenAsync(owner);
        var adminName = Unique("chief", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.106");

        var banned = Unique("Banned.Cheese", db);
        var bannedKey = banned.ToLowerInvariant().Replace('.', '-');
        AssertStatus(400, await SubmitHandlerAsync(admin, "/admin/", "Prohibit", Form(("name", project), ("reason", "spam"))), "prohibiting a name in use");
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/", "Prohibit", Form(("name", banned), ("reason", "typosquat"))), "/admin", "prohibiting a name");
        using (var upload = await UploadWheelAsync(server, token, banned, "1.0"))
        {
            AssertEqual(400, (int)upload.StatusCode, "an upload of a prohibited name");
            Assert.Contains("prohibited", upload.ReasonPhrase);
        }

        var page = $"/admin/project/{normalized}";
        AssertContains($"{owner} (Owner)", await admin.GetAsync(page), "the project's roles");
        var wrong = await SubmitHandlerAsync(admin, page, "Remove", Form(("confirm_project_name", "nope")));
        AssertStatus(400, wrong, "removing with a wrong confirmation");
        AssertEqual(200, (int)(await server.Http.GetAsync($"simple/{normalized}/")).StatusCode, "the project after a refused removal");
        var hold = await server.RunCliAsync("holds", "create", "--project", normalized, "--until", Instant(DateTime.UtcNow.AddDays(30)), "--reason", "preservation letter");
        Assert.True(hold.Succeeded, hold.ToString());
        var held = await SubmitHandlerAsync(admin, page, "Remove", Form(("confirm_project_name", project)));
        AssertStatus(409, held, "removing a project under a legal hold");
        AssertContains("under a legal hold", held, "the reason");
        AssertEqual(200, (int)(await server.Http.GetAsync($"simple/{normalized}/")).StatusCode, "the held project after the refusal");
        var release = await server.RunCliAsync("holds", "release", hold.Stdout.Trim());
        Assert.True(release.Succeeded, release.ToString());
        AssertRedirect(await SubmitHandlerAsync(admin, page, "Remove", Form(("confirm_project_name", project))), "/admin", "removing the project");
        AssertStatus(404, await admin.GetAsync(page), "the removed project's admin page");
        AssertEqual(404, (int)(await server.Http.GetAsync($"simple/{normalized}/")).StatusCode, "the Simple API page of the removed project");
        AssertEqual(404, (int)(await server.Http.GetAsync($"pypi/{normalized}/json")).StatusCode, "the JSON API of the removed project");
        Assert.DoesNotContain(normalized, await server.Http.GetStringAsync("simple/"));
        using (var again = await UploadWheelAsync(server, token, project, "1.0"))
        {
            AssertEqual(400, (int)again.StatusCode, "uploading the removed project's file again");
            Assert.Contains("previously used", again.ReasonPhrase);
        }
        var journal = await ServerDatabase.JournalAsync(server, project);
        Assert.Contains(journal, j => j.Action == "remove project");

        AssertEqual("project.prohibit", string.Join(",", (await AuditAsync(server, bannedKey)).Select(a => a.Action)), "the audit of the prohibition");
        var removal = await AuditAsync(server, normalized);
        AssertEqual("project.remove", string.Join(",", removal.Select(a => a.Action)), "the audit of the removal");
        AssertEqual(adminName, removal[0].Actor, "who removed the project");
    }

    private static Task<List<(string Action, string Actor)>> AuditAsync(CheeseshopServer server, string subject) =>
        server.WithDbAsync(async d => (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                d.AdminAudit.Where(a => a.Subject == subject).OrderBy(a => a.Id)))
            .Select(a => (a.Action, a.Actor)).ToList());
}
