using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Accounts;

/// <summary>Owners invite, change and remove collaborators on the collaborators page; invitees answer on
/// their projects page. Each change is a journal row in warehouse's words, plus events.</summary>
public sealed class RoleTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Invite_accept_change_and_remove_with_journal_rows(Database db)
    {
        var server = await ServerAsync(db);
        var owner = Unique("olga", db);
        var helper = Unique("pete", db);
        var other = Unique("quinn", db);
        var project = Unique("roles-demo", db);
        await CreateProjectAsync(server, owner, project);
        await server.CreateUserAsync(helper, Password);
        await server.CreateUserAsync(other, Password);

        using var ownerBrowser = new Browser(server, "203.0.113.81");
        using var helperBrowser = new Browser(server, "203.0.113.82");
        using var otherBrowser = new Browser(server, "203.0.113.83");
        await SignedInAsync(ownerBrowser, owner);
        await SignedInAsync(helperBrowser, helper);
        await SignedInAsync(otherBrowser, other);
        var page = $"/manage/project/{project}/collaborators";

        // Mistakes first: each gets a clear refusal.
        AssertStatus(404, await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", "no-such-user-here"), ("role", "Maintainer"))), "inviting an unknown user");
        AssertStatus(400, await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", helper), ("role", "Emperor"))), "inviting with an unknown role");
        AssertStatus(409, await SubmitHandlerAsync(ownerBrowser, page, "Remove", Form(("username", owner))), "removing the only Owner");
        AssertStatus(409, await SubmitHandlerAsync(ownerBrowser, page, "Change", Form(("username", owner), ("role", "Maintainer"))), "demoting the only Owner");
        AssertStatus(403, await helperBrowser.GetAsync(page), "a user with no role looking at the collaborators");

        // Invite, then the invitee accepts on their projects page.
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", helper), ("role", "Maintainer"))), page, "inviting a Maintainer");
        AssertStatus(409, await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", helper), ("role", "Owner"))), "inviting someone already invited");
        Outbox.Latest(server.DataDir, $"{helper}@example.invalid", $"Invitation to join {project}");
        var invitations = await helperBrowser.GetAsync("/manage/projects");
        AssertContains($"{project} Maintainer {owner}", invitations, "the invitee's projects page");
        var accepted = await SubmitHandlerAsync(helperBrowser, "/manage/projects", "Accept", Form(), "invitation_id");
        AssertRedirect(accepted, "/manage/projects", "accepting the invitation");
        AssertContains("Collaborators", await helperBrowser.GetAsync("/manage/projects"), "the project on the new Maintainer's page");

        // A Maintainer sees the collaborators but cannot change them.
        AssertStatus(200, await helperBrowser.GetAsync(page), "a Maintainer looking at the collaborators");
        AssertStatus(403, await SubmitHandlerAsync(helperBrowser, page, "Invite", Form(("username", other), ("role", "Owner"))), "a Maintainer inviting");

        // Invite and revoke; invite and decline (no journal row for a decline).
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", other), ("role", "Owner"))), page, "inviting an Owner");
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Revoke", Form(), "invitation_id"), page, "revoking the invitation");
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", other), ("role", "Maintainer"))), page, "inviting again");
        AssertRedirect(await SubmitHandlerAsync(otherBrowser, "/manage/projects", "Decline", Form(), "invitation_id"), "/manage/projects", "declining");

        // Change the Maintainer to Owner; then the first Owner may step down; then remove them.
        AssertRedirect(await SubmitHandlerAsync(ownerBrowser, page, "Change", Form(("username", helper), ("role", "Owner"))), page, "promoting to Owner");
        AssertStatus(409, await SubmitHandlerAsync(ownerBrowser, page, "Change", Form(("username", helper), ("role", "Owner"))), "a change to the same role");
        AssertRedirect(await SubmitHandlerAsync(helperBrowser, page, "Remove", Form(("username", owner))), page, "the new Owner removing the first");
        AssertStatus(403, await SubmitHandlerAsync(ownerBrowser, page, "Invite", Form(("username", other), ("role", "Owner"))), "the removed Owner trying to invite");

        var journal = await ServerDatabase.JournalAsync(server, project);
        var roleRows = journal.Where(j => !j.Action.StartsWith("add py", StringComparison.Ordinal) && j.Action is not ("create" or "new release")).ToList();
        Assert.Equal(new (string, string?)[]
        {
            ($"add Owner {owner}", owner),
            ($"invite Maintainer {helper}", owner),
            ($"accepted Maintainer {helper}", helper),
            ($"invite Owner {other}", owner),
            ($"revoke_invite Owner {other}", owner),
            ($"invite Maintainer {other}", owner),
            ($"change Maintainer {helper} to Owner", owner),
            ($"remove Owner {owner}", helper),
        }, roleRows);

        var projectEvents = (await ServerDatabase.ProjectEventsAsync(server, project)).Select(e => e.Tag).ToList();
        foreach (var tag in new[] { "project:role:invite", "project:role:add", "project:role:revoke_invite", "project:role:decline_invite", "project:role:change", "project:role:remove" })
            Assert.Contains(tag, projectEvents);
        var helperUser = (await ServerDatabase.UserAsync(server, helper))!;
        var helperEvents = await ServerDatabase.UserEventsAsync(server, helperUser.Id);
        AssertEvent(helperEvents, "account:role:invite", e => Str(e, "submitted_by") == owner && Str(e, "role_name") == "Maintainer");
        AssertEvent(helperEvents, "account:role:add", e => Str(e, "project_name") == project);
        AssertEvent(helperEvents, "account:role:change", e => Str(e, "role_name") == "Owner");
        var otherEvents = await ServerDatabase.UserEventsAsync(server, (await ServerDatabase.UserAsync(server, other))!.Id);
        AssertEvent(otherEvents, "account:role:revoke_invite");
        AssertEvent(otherEvents, "account:role:decline_invite");
        var ownerEvents = await ServerDatabase.UserEventsAsync(server, (await ServerDatabase.UserAsync(server, owner))!.Id);
        AssertEvent(ownerEvents, "account:role:remove", e => Str(e, "submitted_by") == helper);

        // The JSON API's ownership follows at once (the journal rows bumped the serial).
        var json = await server.Http.GetStringAsync($"pypi/{project}/json");
        Assert.Contains($"\"user\":\"{helper}\"", json);
        Assert.DoesNotContain($"\"user\":\"{owner}\"", json);
        await AssertAddressOnlyInIpAddressesAsync(server, "203.0.113.81");
    }

    /// <summary>An account (made with the CLI) whose first upload creates <paramref name="project"/>.</summary>
    internal static async Task CreateProjectAsync(CheeseshopServer server, string owner, string project)
    {
        await server.CreateUserAsync(owner, Password);
        var token = await server.CreateTokenAsync(owner);
        using var form = UploadForm(project, "1.0", WheelName(project, "1.0"), Wheel(project, "1.0"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form };
        request.Headers.Authorization = Token(token);
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"uploading {project}: {(int)response.StatusCode} {response.ReasonPhrase}");
    }
}
