using System.Net;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A held user who deletes their account: the page answers exactly as for anyone else, the account stops
/// working and disappears at once, its username and addresses are free at once (as after any deletion), its
/// records stay sealed and can still be produced, and retention erases it once the request closes and no
/// hold remains, leaving whoever took the name alone.
/// </summary>
public sealed class HeldDeletionTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_held_account_deleted_by_its_owner_is_sealed_then_erased_when_the_hold_ends(Database db)
    {
        var server = await ServerAsync(db);
        var held = Unique("ivan", db);
        var free = Unique("jane", db);
        var heldEmail = $"{held}@example.org";
        using var heldBrowser = new Browser(server, "203.0.113.90");
        using var freeBrowser = new Browser(server, "203.0.113.91");
        await RegisterAsync(heldBrowser, held, heldEmail);
        await VerifyEmailAsync(server, heldBrowser, heldEmail);
        var token = await CreateTokenOnPageAsync(heldBrowser, "release bot");
        await RegisterAsync(freeBrowser, free, $"{free}@example.org");

        var id = await SubpoenaAsync(server, [held]);

        // The same answer whether or not a hold exists: nothing tips the user off. The page promises
        // nothing a sealed deletion does not keep.
        static string Explanation(string page) => page[page.IndexOf("Deleting your account", StringComparison.Ordinal)..];
        var deletePage = Explanation(Text(await heldBrowser.GetAsync("/manage/account/delete")));
        AssertEqual(Explanation(Text(await freeBrowser.GetAsync("/manage/account/delete"))), deletePage, "the delete page for a held and an unheld user");
        Assert.Contains("free for anyone to register", deletePage);
        Assert.Contains("deleted as this index's privacy policy describes", deletePage);
        Assert.DoesNotContain("removes, at once", deletePage);
        var freeDeleted = await freeBrowser.SubmitAsync("/manage/account/delete", Form(("password", Password)));
        var heldDeleted = await heldBrowser.SubmitAsync("/manage/account/delete", Form(("password", Password)));
        AssertRedirect(heldDeleted, "/account/login", "deleting a held account");
        AssertEqual(freeDeleted.Code, heldDeleted.Code, "status for a held and an unheld deletion");
        AssertEqual(freeDeleted.Location, heldDeleted.Location, "redirect for a held and an unheld deletion");
        AssertEqual(Text(await freeBrowser.FollowAsync(freeDeleted)), Text(await heldBrowser.FollowAsync(heldDeleted)).Replace(held, free), "the page after deleting");
        Outbox.Latest(server.DataDir, heldEmail, "Your account was deleted");

        // Gone from the site: no sign-in, no token, no name on any page.
        AssertStatus(401, await LoginAsync(heldBrowser, held), "signing in to the deleted account");
        using (var form = Api.TestDistributions.UploadForm("ivan-pkg", "1.0", Api.TestDistributions.WheelName("ivan-pkg", "1.0"), Api.TestDistributions.Wheel("ivan-pkg", "1.0")))
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form })
        {
            upload.Headers.Authorization = Api.TestDistributions.Token(token);
            using var response = await server.Http.SendAsync(upload);
            AssertEqual(HttpStatusCode.Forbidden, response.StatusCode, "uploading with the deleted account's token");
        }

        // An operator can still name the sealed account in a request while nobody else holds the name.
        var preservation = await CreateRequestAsync(server, "--kind", "preservation", "--authority", "Federal Bureau of Investigation",
            "--reference", "P-" + held, "--received", Day(Today), "--due", Day(Today.AddDays(90)), "--subject", held);

        // As after any deletion, the name and the addresses are free at once: a newcomer registers them,
        // exactly as someone registers the unheld user's, and a password reset for the address reaches them.
        using var heir = new Browser(server, "203.0.113.92");
        using var freeHeir = new Browser(server, "203.0.113.93");
        await RegisterAsync(freeHeir, free, $"{free}@example.org");
        await RegisterAsync(heir, held, heldEmail);
        await VerifyEmailAsync(server, heir, heldEmail);
        using (var anonymous = new Browser(server, "203.0.113.94"))
        {
            var resets = Outbox.All(server.DataDir).Count(m => m.To == heldEmail && m.Subject.Contains("Reset your password"));
            AssertStatus(200, await anonymous.SubmitAsync("/account/reset-password", Form(("username_or_email", heldEmail))), "asking for a reset link");
            AssertEqual(resets + 1, Outbox.All(server.DataDir).Count(m => m.To == heldEmail && m.Subject.Contains("Reset your password")), "reset mails to the freed address");
        }
        var heirProject = Unique("heir-pkg", db);
        var heirToken = await CreateTokenOnPageAsync(heir, "heir bot");
        using (var form = Api.TestDistributions.UploadForm(heirProject, "1.0", Api.TestDistributions.WheelName(heirProject, "1.0"), Api.TestDistributions.Wheel(heirProject, "1.0")))
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form })
        {
            upload.Headers.Authorization = Api.TestDistributions.Token(heirToken);
            using var response = await server.Http.SendAsync(upload);
            Assert.True(response.IsSuccessStatusCode, $"the newcomer uploading: {(int)response.StatusCode}");
        }

        // Sealed, not gone: the row, its address and its events stay, and the package still holds them.
        Guid sealedId;
        await using (var dbc = ServerDatabase.Open(server))
        {
            var row = await dbc.Users.AsNoTracking().SingleAsync(u => u.Username == held && u.DeletedAt != null);
            sealedId = row.Id;
            Assert.NotEqual(held, row.NormalizedUsername);
            Assert.Equal(row.Id, (await dbc.LegalHolds.AsNoTracking().SingleAsync(h => h.LegalRequestId == preservation)).UserId);
            Assert.NotNull(row.DeletedAt);
            Assert.False(row.IsActive);
            Assert.Null(row.PasswordHash);
            Assert.True(await dbc.UserEmails.AnyAsync(e => e.UserId == row.Id));
            Assert.True(await dbc.UserEvents.AnyAsync(e => e.UserId == row.Id));
        }
        var (package, _, _) = await ProduceAsync(server, id);
        AssertNoSecrets(package, [.. await StoredSecretsAsync(server), token], "the sealed account's package");
        Assert.StartsWith("deleted by its owner on", DisclosurePackage.Cell(Assert.Single(package.Rows(held, "length-of-service", "account-status")), "status"));
        AssertEqual(heldEmail, DisclosurePackage.Cell(Assert.Single(package.Rows(held, "addresses", "email-addresses")), "email"), "the sealed address");
        Assert.Contains(package.Rows(held, "connection-records", "account-events"), r => DisclosurePackage.Cell(r, "tag") == "account:api_token:added");
        Assert.Empty(package.EntriesHolding(heirProject)); // the newcomer's doings are not the sealed account's

        // Retention leaves it sealed while the hold lasts.
        AssertSucceeded(await CliAsync(server, "retention", "run"), "retention under the hold");
        await using (var dbc = ServerDatabase.Open(server))
            Assert.True(await dbc.Users.AnyAsync(u => u.Id == sealedId), "the sealed account under the hold");

        // Closing: the deleted account gets no notice (its address is the newcomer's now); retention then erases it.
        AssertSucceeded(await CliAsync(server, "legal", "close", preservation.ToString(), "--outcome", "none"), "closing the preservation request");
        var close = await CliAsync(server, "legal", "close", id.ToString(), "--outcome", "produced");
        AssertSucceeded(close, "legal close");
        AssertOutputContains(close, "undeliverable", "the notice of a deleted account");
        Assert.DoesNotContain(Outbox.All(server.DataDir), m => m.To == heldEmail && m.Subject.Contains("legal request"));
        var run = await CliAsync(server, "retention", "run");
        AssertSucceeded(run, "retention after the hold ends");
        Assert.Matches(@"deleted_held_accounts\s+\d+ erased", run.Stdout);
        await using (var dbc = ServerDatabase.Open(server))
        {
            Assert.False(await dbc.Users.AnyAsync(u => u.Id == sealedId), "the sealed account after the hold");
            Assert.False(await dbc.UserEmails.AnyAsync(e => e.UserId == sealedId), "the sealed account's addresses after the hold");
            Assert.False(await dbc.UserEvents.AnyAsync(e => e.UserId == sealedId), "the sealed account's events after the hold");
        }
        // The newcomer who took the name and the address keeps both, and their events still name them.
        var newcomer = await ServerDatabase.UserAsync(server, held);
        Assert.NotNull(newcomer);
        AssertEqual(heldEmail, Assert.Single(newcomer!.Emails).Email, "the newcomer's address");
        Assert.Contains(await ServerDatabase.ProjectEventsAsync(server, heirProject), e => e.AdditionalJson.Contains($"\"created_by\":\"{held}\""));
        using (var again = new Browser(server, "203.0.113.95"))
            await SignedInAsync(again, held);
        var show = await CliAsync(server, "legal", "show", id.ToString());
        AssertOutputContains(show, held, "the request's record keeps the name it was made under");
        AssertOutputContains(show, "account erased", "the request's record");
    }
}
