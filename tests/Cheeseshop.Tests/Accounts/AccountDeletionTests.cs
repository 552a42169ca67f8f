using Cheeseshop.Tests.Infrastructure;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Accounts;

/// <summary>Deleting an account: refused while it alone owns a project; afterwards its public history
/// names deleted-user and its personal data is gone.</summary>
public sealed class AccountDeletionTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Deletion_waits_for_another_owner_then_hands_history_to_deleted_user(Database db)
    {
        var server = await ServerAsync(db);
        var leaver = Unique("rita", db);
        var heir = Unique("sam", db);
        var project = Unique("legacy-proj", db);
        await RoleTests.CreateProjectAsync(server, leaver, project);
        await server.CreateUserAsync(heir, Password);
        var leaverId = (await ServerDatabase.UserAsync(server, leaver))!.Id;

        using var browser = new Browser(server, "203.0.113.91");
        using var other = new Browser(server, "203.0.113.92");
        await SignedInAsync(browser, leaver);
        using var secondSession = new Browser(server, "203.0.113.93");
        await SignedInAsync(secondSession, leaver);
        await EnableTotpAsync(browser);

        var soleOwner = await browser.SubmitAsync("/manage/account/delete", Form(("password", Password)));
        AssertStatus(409, soleOwner, "deleting the only Owner of a project");
        AssertContains($"only Owner of {project}", soleOwner, "the refusal");

        // Hand the project over: invite the heir as Owner, who accepts.
        var page = $"/manage/project/{project}/collaborators";
        AssertRedirect(await SubmitHandlerAsync(browser, page, "Invite", Form(("username", heir), ("role", "Owner"))), page, "inviting the heir");
        await SignedInAsync(other, heir);
        AssertRedirect(await SubmitHandlerAsync(other, "/manage/projects", "Accept", Form(), "invitation_id"), "/manage/projects", "the heir accepting");

        var wrong = await browser.SubmitAsync("/manage/account/delete", Form(("password", "not my password")));
        AssertStatus(403, wrong, "deleting with a wrong password");
        Assert.NotNull(await ServerDatabase.UserAsync(server, leaver));

        var deleted = await browser.SubmitAsync("/manage/account/delete", Form(("password", Password)));
        AssertRedirect(deleted, "/account/login", "deleting the account");
        AssertRedirect(await secondSession.GetAsync("/manage/account"), "/account/login", "another session of the deleted account");
        AssertStatus(401, await LoginAsync(browser, leaver), "signing in as the deleted account");

        var farewell = Outbox.Latest(server.DataDir, $"{leaver}@example.invalid", "Your account was deleted");
        Assert.Contains("deleted-user", farewell.Body);

        await using var dbc = ServerDatabase.Open(server);
        Assert.Null(await dbc.Users.FirstOrDefaultAsync(u => u.Id == leaverId));
        var tombstone = await dbc.Users.SingleAsync(u => u.NormalizedUsername == "deleted-user");
        Assert.False(tombstone.IsActive);
        Assert.Null(tombstone.PasswordHash);
        Assert.Equal(0, await dbc.UserEmails.CountAsync(e => e.UserId == leaverId));
        Assert.Equal(0, await dbc.ApiTokens.CountAsync(t => t.UserId == leaverId));
        Assert.Equal(0, await dbc.RecoveryCodes.CountAsync(r => r.UserId == leaverId));
        Assert.Equal(0, await dbc.UserEvents.CountAsync(e => e.UserId == leaverId));
        Assert.Equal(0, await dbc.Roles.CountAsync(r => r.UserId == leaverId));
        Assert.Equal(0, await dbc.RoleInvitations.CountAsync(i => i.UserId == leaverId || i.InvitedById == leaverId));
        Assert.Equal(0, await dbc.SentEmails.CountAsync(m => m.UserId == leaverId));
        Assert.Equal(0, await dbc.ProjectEvents.CountAsync(e => e.UserId == leaverId));
        Assert.Equal(0, await dbc.Files.CountAsync(f => f.UploaderId == leaverId));

        // The journal stays, every row the leaver wrote now by deleted-user; the heir's row is untouched.
        var journal = await ServerDatabase.JournalAsync(server, project);
        Assert.Contains(("create", "deleted-user"), journal);
        Assert.Contains(($"invite Owner {heir}", "deleted-user"), journal);
        Assert.Contains(($"accepted Owner {heir}", heir), journal);
        Assert.DoesNotContain(journal, j => j.SubmittedBy == leaver);
        // Events that stay no longer name the account either.
        var projectEvents = await ServerDatabase.ProjectEventsAsync(server, project);
        Assert.DoesNotContain(projectEvents, e => e.AdditionalJson.Contains($"\"{leaver}\"", StringComparison.Ordinal));
        var heirEvents = await dbc.UserEvents.Where(e => e.UserId == (dbc.Users.First(u => u.NormalizedUsername == heir).Id)).ToListAsync();
        Assert.DoesNotContain(heirEvents, e => e.AdditionalJson.Contains($"\"{leaver}\"", StringComparison.Ordinal));
        Assert.Contains(heirEvents, e => e.Tag == "account:role:invite" && e.AdditionalJson.Contains("\"submitted_by\":\"deleted-user\"", StringComparison.Ordinal));
        Assert.Empty(await ServerDatabase.TablesHoldingAsync(server, $"{leaver}@example.invalid"));

        // The name is free again, as on PyPI.
        using var newcomer = new Browser(server, "203.0.113.94");
        await RegisterAsync(newcomer, leaver, $"{leaver}-again@example.org");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Under_a_legal_hold_the_account_is_closed_not_erased(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("vera", db);
        await server.CreateUserAsync(name, Password);
        AssertSucceeded(await CliAsync(server, "holds", "create", "--user", name, "--until", "2099-01-01T00:00:00Z", "--reason", "test hold"), "holds create");
        using var browser = new Browser(server, "203.0.113.95");
        await SignedInAsync(browser, name);

        var closed = await browser.SubmitAsync("/manage/account/delete", Form(("password", Password)));
        AssertRedirect(closed, "/account/login", "deleting a held account");
        // The person sees what any deletion shows: the hold may be under a non-disclosure order.
        AssertContains("Your account was deleted", await browser.FollowAsync(closed), "the page after deletion");
        AssertStatus(401, await LoginAsync(browser, name), "signing in to the closed account");

        // Closed to everyone, kept for the hold: no look-up by name finds it, yet the row stays.
        Assert.Null(await ServerDatabase.UserAsync(server, name));
        User user;
        await using (var dbc = ServerDatabase.Open(server))
            user = await dbc.Users.AsNoTracking().Include(u => u.Emails).SingleAsync(u => u.Username == name);
        Assert.False(user.IsActive);
        Assert.NotNull(user.DeletedAt);
        Assert.NotEmpty(user.Emails);
        Assert.NotEmpty(await ServerDatabase.UserEventsAsync(server, user.Id));
    }
}
