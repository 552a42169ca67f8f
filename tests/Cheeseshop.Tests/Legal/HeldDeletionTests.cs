using System.Net;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A held user who deletes their account: the page answers exactly as for anyone else, the account stops
/// working and disappears at once, its records stay sealed and can still be produced, and retention
/// erases it once the request closes and no hold remains.
/// </summary>
public sealed class HeldDeletionTests(ServerFixture servers, ITestOutputHelper output) : LegalTest(servers, output)
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

        // The same answer whether or not a hold exists: nothing tips the user off.
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

        // Sealed, not gone: the row, its address and its events stay, and the package still holds them.
        await using (var dbc = ServerDatabase.Open(server))
        {
            var row = await dbc.Users.AsNoTracking().SingleAsync(u => u.Username == held);
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

        // Retention leaves it sealed while the hold lasts.
        AssertSucceeded(await CliAsync(server, "retention", "run"), "retention under the hold");
        Assert.NotNull(await ServerDatabase.UserAsync(server, held));

        // Closing: the deleted account gets no notice; retention then erases it.
        var close = await CliAsync(server, "legal", "close", id.ToString(), "--outcome", "produced");
        AssertSucceeded(close, "legal close");
        AssertOutputContains(close, "undeliverable", "the notice of a deleted account");
        Assert.DoesNotContain(Outbox.All(server.DataDir), m => m.To == heldEmail && m.Subject.Contains("legal request"));
        var run = await CliAsync(server, "retention", "run");
        AssertSucceeded(run, "retention after the hold ends");
        Assert.Matches(@"deleted_held_accounts\s+\d+ erased", run.Stdout);
        Assert.Null(await ServerDatabase.UserAsync(server, held));
        Assert.Empty(await ServerDatabase.TablesHoldingAsync(server, heldEmail));
        var show = await CliAsync(server, "legal", "show", id.ToString());
        AssertOutputContains(show, held, "the request's record keeps the name it was made under");
        AssertOutputContains(show, "account erased", "the request's record");
    }
}
