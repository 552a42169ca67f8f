using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Admin;
using Cheeseshop.Tests.Infrastructure;
using Cheeseshop.Tests.Legal;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Invitations;

/// <summary>A server whose sign-up is closed: accounts come from administrators, by the CLI or by invitation.</summary>
public sealed class ClosedRegistrationServers() : ServerFixture(db => CheeseshopServer.StartAsync(db,
    settings: new Dictionary<string, string> { ["CHEESESHOP_Registration"] = "closed" }));

/// <summary>
/// Invitations on a closed index: an administrator invites an address from /admin/invitations (or `users invite`),
/// the invitee opens the emailed link, chooses a username and password, is signed in with the address verified,
/// and uploads with twine. Links that were used, revoked, replaced, expired or never issued get a page that says
/// which; one link submitted twice at once makes one account; deleting the account and retention erase invitations.
/// </summary>
public sealed class InvitationTests(ClosedRegistrationServers servers, ITestOutputHelper output)
    : AdminTest(servers, output), IClassFixture<ClosedRegistrationServers>
{
    private const string Subject = "You are invited to create an account";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_invitee_creates_an_account_signs_in_and_uploads(Database db)
    {
        var server = await ServerAsync(db);
        var adminName = Unique("inviter", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.121");
        AssertContains("Invitations", await admin.GetAsync("/admin/"), "the admin page's link to invitations");
        var email = Unique("invitee", db) + "@example.org";

        var bad = await SubmitHandlerAsync(admin, "/admin/invitations", "Invite", Form(("email", "nobody.example.org")));
        AssertStatus(400, bad, "inviting something that is not an email address");
        AssertContains("not a valid email address", bad, "the reason");
        // Invited twice: the first link is withdrawn, and both invitations are in the account's disclosure (by address).
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/invitations", "Invite", Form(("email", email))), "/admin/invitations", "inviting");
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/invitations", "Invite", Form(("email", email))), "/admin/invitations", "inviting again");
        var list = await admin.GetAsync("/admin/invitations");
        AssertContains(email, list, "the pending invitations");
        AssertContains(adminName, list, "who invited");

        var mail = Outbox.Latest(server.DataDir, email, Subject);
        var link = Outbox.Link(mail, "/account/invitation");
        Assert.Contains("7 days", mail.Body);
        var token = TokenOf(link);
        var secret = token[(token.IndexOf('.') + 1)..];
        var holding = await ServerDatabase.TablesHoldingAsync(server, secret);
        if (holding.Count > 0) Fail($"The link's secret is stored in {string.Join(", ", holding)}: only its hash may be.");

        using var invitee = new Browser(server, "203.0.113.122");
        AssertStatus(404, await invitee.GetAsync("/account/register"), "sign-up on a closed index");
        var page = await invitee.GetAsync(link);
        AssertStatus(200, page, "the invitation link");
        AssertContains(email, page, "the invitation page names the address");
        var username = Unique("newbie", db);
        var mismatch = await invitee.SubmitAsync(link, Form(("token", token), ("username", username), ("password", Password), ("password_confirm", "other")));
        AssertStatus(400, mismatch, "two different passwords");
        AssertContains("not the same", mismatch, "the reason");
        AssertContains(email, mismatch, "the form shown again");
        var weak = await invitee.SubmitAsync(link, Form(("token", token), ("username", username), ("password", "password"), ("password_confirm", "password")));
        AssertStatus(400, weak, "a common password");
        AssertEqual(0L, await server.WithDbAsync(d => d.Users.LongCountAsync(u => u.Username == username)), "accounts after refused forms");

        var created = await invitee.SubmitAsync(link, Form(("token", token), ("username", username), ("password", Password), ("password_confirm", Password)));
        AssertRedirect(created, "/manage/account", "accepting the invitation");
        AssertContains(username, await invitee.FollowAsync(created), "the account page of the new account");
        using var other = new Browser(server, "203.0.113.123");
        var used = await other.GetAsync(link);
        AssertStatus(410, used, "the link once used");
        AssertContains("already used", used, "why the used link does not work");
        Assert.DoesNotContain(email, (await admin.GetAsync("/admin/invitations")).Html);

        var address = await server.WithDbAsync(d => d.UserEmails.Where(e => e.User!.Username == username)
            .Select(e => new { e.Email, e.IsVerified, e.IsPrimary }).SingleAsync());
        AssertEqual((email, true, true), (address.Email, address.IsVerified, address.IsPrimary), "the new account's address");

        using var again = new Browser(server, "203.0.113.124");
        await SignedInAsync(again, username);
        // Uploads need a verified address: twine with the new account's token, then pip, prove it is.
        var uploadToken = await server.CreateTokenAsync(username);
        var suffix = db == Database.Sqlite ? "-inv-s" : "-inv-p";
        await UploadAsync(server, uploadToken, await BuildAsync("cheese-alpha", "1.0", suffix));
        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha" + suffix), "pip install of the invited account's project");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha" + suffix), "installed version");

        var audit = await server.WithDbAsync(d => d.AdminAudit.Where(a => a.Action.StartsWith("invitation.") && a.Actor == adminName)
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        AssertEqual("invitation.create,invitation.revoke,invitation.create", string.Join(",", audit), "the audit of the invitations");
        if (server.Output.Contains(secret, StringComparison.Ordinal)) Fail("The server's log holds the invitation link's secret.");

        var exportPath = Path.Combine(TempPaths.NewDirectory("export"), "export.zip");
        AssertSucceeded(await CliAsync(server, "users", "export", username, "--out", exportPath), "users export");
        var rows = new DisclosurePackage(File.ReadAllBytes(exportPath)).Rows(username, "addresses", "account-invitations");
        AssertEqual(2, rows.Count, "invitations in the account's disclosure");
        Assert.All(rows, r => AssertEqual(email, DisclosurePackage.Cell(r, "email"), "the invited address"));
        // Oldest first: the withdrawn invitation, then the one the account was made with.
        Assert.True(DisclosurePackage.Cell(rows[0], "used") is null && DisclosurePackage.Cell(rows[0], "revoked") is not null, $"the first invitation: {rows[0]}");
        Assert.True(DisclosurePackage.Cell(rows[1], "used") is not null && DisclosurePackage.Cell(rows[1], "revoked") is null, $"the invitation used: {rows[1]}");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Revoked_replaced_expired_and_forged_links_say_why(Database db)
    {
        var server = await ServerAsync(db);
        var adminName = Unique("revoker", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.125");
        using var visitor = new Browser(server, "203.0.113.126");

        var revokedEmail = Unique("revoked", db) + "@example.org";
        var revokedLink = await InviteAsync(server, admin, revokedEmail);
        var id = await server.WithDbAsync(d => d.AccountInvitations.Where(i => i.Email == revokedEmail).Select(i => i.Id).SingleAsync());
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/invitations", "Revoke", Form(("id", id.ToString("N")))), "/admin/invitations", "revoking");
        Assert.DoesNotContain(revokedEmail, (await admin.GetAsync("/admin/invitations")).Html);
        AssertStatus(409, await SubmitHandlerAsync(admin, "/admin/invitations", "Revoke", Form(("id", id.ToString("N")))), "revoking twice");
        AssertStatus(404, await SubmitHandlerAsync(admin, "/admin/invitations", "Revoke", Form(("id", "nonsense"))), "revoking nothing");
        await AssertRefusedAsync(visitor, revokedLink, 410, "withdrawn", "a revoked link");

        var replacedEmail = Unique("twice", db) + "@example.org";
        var first = await InviteAsync(server, admin, replacedEmail);
        var second = await InviteAsync(server, admin, replacedEmail);
        Assert.NotEqual(first, second);
        await AssertRefusedAsync(visitor, first, 410, "withdrawn", "a link replaced by a newer invitation");
        AssertStatus(200, await visitor.GetAsync(second), "the newer link");

        var expiredEmail = Unique("late", db) + "@example.org";
        var expiredLink = await InviteAsync(server, admin, expiredEmail);
        await server.WithDbAsync(d => d.AccountInvitations.Where(i => i.Email == expiredEmail)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        await AssertRefusedAsync(visitor, expiredLink, 410, "expired", "an expired link");
        var csrf = Browser.CsrfToken((await visitor.GetAsync("/account/login")).Html);
        var late = await visitor.PostAsync("/account/invitation", Form(("token", TokenOf(expiredLink)), ("username", Unique("late", db)),
            ("password", Password), ("password_confirm", Password)), csrf);
        AssertStatus(410, late, "accepting an expired invitation");
        AssertEqual(0L, await server.WithDbAsync(d => d.UserEmails.LongCountAsync(e => e.Email == expiredEmail)), "accounts made with the expired link");

        // The right id with another secret, a token cut short, and no token at all.
        var forged = second[..^4] + (second.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        await AssertRefusedAsync(visitor, forged, 404, "not valid", "a link with a changed secret");
        await AssertRefusedAsync(visitor, second[..^10], 404, "not valid", "a link cut short");
        await AssertRefusedAsync(visitor, "/account/invitation", 404, "not valid", "no token");

        var taken = Unique("member", db);
        await server.CreateUserAsync(taken, Password);
        var takenEmail = await server.WithDbAsync(d => d.UserEmails.Where(e => e.User!.Username == taken).Select(e => e.Email).SingleAsync());
        var refused = await SubmitHandlerAsync(admin, "/admin/invitations", "Invite", Form(("email", takenEmail.ToUpperInvariant())));
        AssertStatus(409, refused, "inviting an address that has an account");
        AssertContains("already belongs to an account", refused, "the reason");

    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_cli_invites_one_link_makes_one_account_and_deletion_and_retention_erase_invitations(Database db)
    {
        var server = await ServerAsync(db);
        using var admin = await AdminBrowserAsync(server, Unique("keeper", db), "203.0.113.130");
        using var visitor = new Browser(server, "203.0.113.131");

        var cliEmail = Unique("shell", db) + "@example.org";
        AssertSucceeded(await CliAsync(server, "users", "invite", cliEmail), "users invite");
        AssertStatus(200, await visitor.GetAsync(Outbox.Link(Outbox.Latest(server.DataDir, cliEmail, Subject), "/account/invitation")), "the link the CLI sent");
        var cliAudit = await server.WithDbAsync(d => d.AdminAudit.Where(a => a.Action == "invitation.create" && a.Actor.StartsWith("cli:"))
            .CountAsync());
        Assert.True(cliAudit >= 1, "users invite should write an audit row naming cli:USER");
        var bad = await CliAsync(server, "users", "invite", "nobody");
        Assert.False(bad.Succeeded, "users invite with a bad address should fail");
        Assert.Contains("not a valid email address", bad.Stderr);

        // Deleting the account made with an invitation deletes the invitation too: it holds the address.
        var briefEmail = Unique("brief", db) + "@example.org";
        await InviteAsync(server, admin, briefEmail);
        var kept = await InviteAsync(server, admin, briefEmail);
        using (var member = new Browser(server, "203.0.113.127"))
        {
            AssertRedirect(await member.SubmitAsync(kept, Form(("token", TokenOf(kept)), ("username", Unique("brief", db)),
                ("password", Password), ("password_confirm", Password))), "/manage/account", "accepting the newer invitation");
            AssertEqual(2L, await server.WithDbAsync(d => d.AccountInvitations.LongCountAsync(i => i.Email == briefEmail)), "invitations to the address");
            AssertRedirect(await member.SubmitAsync("/manage/account/delete", Form(("password", Password))), "/account/login", "deleting the account");
            AssertEqual(1L, await server.WithDbAsync(d => d.AccountInvitations.LongCountAsync(i => i.Email == briefEmail)),
                "invitations to the address after the account was deleted (the withdrawn one waits for retention)");
            AssertEqual(0L, await server.WithDbAsync(d => d.SentEmails.LongCountAsync(m => m.ToAddress == briefEmail)),
                "records of the mail sent to the deleted account's address");
        }

        // One link submitted twice at once makes one account; the other submission is told the link was used.
        var racedEmail = Unique("race", db) + "@example.org";
        var raced = await InviteAsync(server, admin, racedEmail);
        using var racerA = new Browser(server, "203.0.113.128");
        using var racerB = new Browser(server, "203.0.113.129");
        var forms = new List<(Browser Browser, string Csrf, string Username)>();
        foreach (var b in new[] { racerA, racerB })
            forms.Add((b, Browser.CsrfToken((await b.GetAsync(raced)).Html), Unique("racer", db)));
        var answers = await Task.WhenAll(forms.Select(f => f.Browser.PostAsync("/account/invitation",
            Form(("token", TokenOf(raced)), ("username", f.Username), ("password", Password), ("password_confirm", Password)), f.Csrf)));
        AssertEqual("302,410", string.Join(",", answers.Select(a => a.Code).Order()), "two submissions of one link at once");
        AssertEqual(1L, await server.WithDbAsync(d => d.UserEmails.LongCountAsync(e => e.Email == racedEmail)), "accounts made with the link");

        // Retention removes invitations some time after they expired: the invited address goes with them.
        var mine = new[] { cliEmail, briefEmail, racedEmail };
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", DateTime.UtcNow.AddDays(7 + 31).ToString("yyyy-MM-ddTHH:mm:ssZ")), "retention");
        AssertEqual(0L, await server.WithDbAsync(d => d.AccountInvitations.LongCountAsync(i => mine.Contains(i.Email))), "invitations left after retention");
    }

    private async Task<string> InviteAsync(CheeseshopServer server, Browser admin, string email)
    {
        var before = Outbox.All(server.DataDir).Count(m => m.To == email);
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/invitations", "Invite", Form(("email", email))), "/admin/invitations", $"inviting {email}");
        var sent = Outbox.All(server.DataDir).Where(m => m.To == email).ToList();
        AssertEqual(before + 1, sent.Count, $"invitations mailed to {email}");
        return Outbox.Link(sent[^1], "/account/invitation");
    }

    private static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    private async Task AssertRefusedAsync(Browser browser, string link, int status, string words, string what)
    {
        var page = await browser.GetAsync(link);
        AssertStatus(status, page, what);
        AssertContains(words, page, what);
        Assert.DoesNotContain("name=\"password\"", page.Html);
    }
}
