using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Accounts;

/// <summary>The account page's forms (name, addresses) and two-factor management, each with its events
/// and its refusals.</summary>
public sealed class AccountSettingsTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Addresses_are_added_verified_made_primary_and_removed(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("wendy", db);
        var first = $"{name}@example.invalid";
        var second = $"{name}@work.example.org";
        var taken = Unique("xavier", db);
        await server.CreateUserAsync(name, Password);
        await server.CreateUserAsync(taken, Password);
        using var browser = new Browser(server, "203.0.113.111");
        await SignedInAsync(browser, name);

        AssertStatus(400, await SubmitHandlerAsync(browser, "/manage/account", "AddEmail", Form(("email", "not-an-address"))), "adding a malformed address");
        AssertStatus(409, await SubmitHandlerAsync(browser, "/manage/account", "AddEmail", Form(("email", first.ToUpperInvariant()))), "adding an address already on the account");
        AssertStatus(409, await SubmitHandlerAsync(browser, "/manage/account", "AddEmail", Form(("email", $"{taken}@example.invalid"))), "adding another account's address");
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account", "AddEmail", Form(("email", second))), "/manage/account", "adding an address");

        var page = await browser.GetAsync("/manage/account");
        var secondId = System.Text.RegularExpressions.Regex.Match(page.Html,
            $"{System.Text.RegularExpressions.Regex.Escape(second)}</td>[\\s\\S]*?name=\"email_id\" value=\"(\\d+)\"").Groups[1].Value;
        AssertStatus(409, await SubmitHandlerAsync(browser, "/manage/account", "PrimaryEmail", Form(("email_id", secondId))), "making an unverified address primary");
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account", "ResendEmail", Form(("email_id", secondId))), "/manage/account", "resending the link");
        await VerifyEmailAsync(server, browser, second);
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account", "PrimaryEmail", Form(("email_id", secondId))), "/manage/account", "making the new address primary");
        AssertStatus(409, await SubmitHandlerAsync(browser, "/manage/account", "RemoveEmail", Form(("email_id", secondId))), "removing the primary address");

        long oldId;
        await using (var dbc = ServerDatabase.Open(server))
            oldId = await dbc.UserEmails.Where(e => e.Email == first).Select(e => e.Id).SingleAsync();
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account", "RemoveEmail", Form(("email_id", oldId.ToString()))), "/manage/account", "removing the old address");
        AssertStatus(404, await SubmitHandlerAsync(browser, "/manage/account", "RemoveEmail", Form(("email_id", oldId.ToString()))), "removing it twice");

        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account", "DisplayName", Form(("display_name", "  Wendy W.  "))), "/manage/account", "changing the name");
        AssertStatus(400, await SubmitHandlerAsync(browser, "/manage/account", "DisplayName", Form(("display_name", new string('x', 101)))), "a name that is too long");

        var user = (await ServerDatabase.UserAsync(server, name))!;
        Assert.Equal("Wendy W.", user.DisplayName);
        Assert.Equal(second, Assert.Single(user.Emails).Email);
        Assert.True(user.Emails[0].IsPrimary && user.Emails[0].IsVerified);
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:email:add", e => Str(e, "email") == second);
        AssertEvent(events, "account:email:verified", e => Str(e, "email") == second);
        AssertEvent(events, "account:email:primary:change", e => Str(e, "old_primary") == first && Str(e, "new_primary") == second);
        AssertEvent(events, "account:email:remove", e => Str(e, "email") == first);
        Assert.Equal(2, events.Count(e => e.Tag == "account:email:sent" && Str(e.Additional, "to_email") == second));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Two_factor_codes_are_renewed_and_two_factor_turned_off_with_the_password(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("yusuf", db);
        await server.CreateUserAsync(name, Password);
        using var browser = new Browser(server, "203.0.113.112");
        await SignedInAsync(browser, name);

        var setup = await browser.GetAsync("/manage/account/two-factor");
        var expired = await browser.PostAsync("/manage/account/two-factor?handler=Enable",
            Form(("enrolment", "forged"), ("code", "123456")), Browser.CsrfToken(setup.Html));
        AssertStatus(400, expired, "a forged setup form");
        AssertContains("setup form has expired", expired, "the refusal");
        var (_, oldCodes) = await EnableTotpAsync(browser);

        AssertStatus(403, await SubmitHandlerAsync(browser, "/manage/account/two-factor", "Regenerate", Form(("password", "wrong"))), "new codes with a wrong password");
        var renewed = await SubmitHandlerAsync(browser, "/manage/account/two-factor", "Regenerate", Form(("password", Password)));
        AssertStatus(200, renewed, "new recovery codes");
        var newCodes = System.Text.RegularExpressions.Regex.Matches(renewed.Html, "<code>([0-9a-f]{16})</code>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));

        await LogoutAsync(browser);
        AssertRedirect(await LoginAsync(browser, name), "/account/two-factor", "signing in");
        AssertStatus(400, await SubmitHandlerAsync(browser, "/account/two-factor", "Recovery", Form(("recovery_code", oldCodes[0]))), "an old recovery code");
        AssertRedirect(await SubmitHandlerAsync(browser, "/account/two-factor", "Recovery", Form(("recovery_code", newCodes[0]))), "/manage/projects", "a new recovery code");

        AssertStatus(403, await SubmitHandlerAsync(browser, "/manage/account/two-factor", "Disable", Form(("password", "wrong"))), "turning off with a wrong password");
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/account/two-factor", "Disable", Form(("password", Password))), "/manage/account", "turning off");
        await LogoutAsync(browser);
        await SignedInAsync(browser, name);

        var user = (await ServerDatabase.UserAsync(server, name))!;
        Assert.Null(user.TotpSecretProtected);
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:recovery_codes:regenerated");
        AssertEvent(events, "account:two_factor:method_removed", e => Str(e, "method") == "totp");
        AssertEvent(events, "account:reauthenticate:failure");
        AssertEvent(events, "account:email:sent", e => Str(e, "subject") == "Two-factor authentication was turned off");
        await using var dbc = ServerDatabase.Open(server);
        Assert.Equal(0, await dbc.RecoveryCodes.CountAsync(r => r.UserId == user.Id));
    }
}
