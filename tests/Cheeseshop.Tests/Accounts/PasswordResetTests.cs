using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>Password reset by emailed link: the link works once, ends old sessions, and the form never
/// says whether an account exists.</summary>
public sealed class PasswordResetTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private const string NewPassword = "a brand new passphrase for this test";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Reset_by_link_works_once_and_ends_other_sessions(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("erin", db);
        var email = $"{name}@example.invalid";
        await server.CreateUserAsync(name, Password);

        // A session signed in before the reset, on another device.
        using var laptop = new Browser(server, "203.0.113.31");
        await SignedInAsync(laptop, name);

        using var browser = new Browser(server, "203.0.113.32");
        var requested = await browser.SubmitAsync("/account/reset-password", Form(("username_or_email", name)));
        AssertStatus(200, requested, "asking for a reset link");
        AssertContains("If an account exists for that username or email address, we sent a link", requested, "the reset answer");
        var unknown = await browser.SubmitAsync("/account/reset-password", Form(("username_or_email", Unique("ghost", db))));
        AssertStatus(200, unknown, "asking for a reset link for an unknown user");
        Assert.Equal(Text(requested), Text(unknown));

        var mail = Outbox.Latest(server.DataDir, email, "Reset your password");
        var link = Outbox.Link(mail, "/account/reset-password/confirm");
        var form = await browser.GetAsync(link);
        AssertStatus(200, form, "opening the reset link");
        AssertContains(name, form, "the reset form names the account");

        var tooShort = await browser.PostAsync(link, Form(("token", HiddenField(form.Html, "token")), ("new_password", "short"), ("password_confirm", "short")), Browser.CsrfToken(form.Html));
        AssertStatus(400, tooShort, "a too-short new password");
        AssertContains("too short", tooShort, "the refusal of a short password");
        var common = await browser.PostAsync(link, Form(("token", HiddenField(form.Html, "token")), ("new_password", "password123"), ("password_confirm", "password123")), Browser.CsrfToken(form.Html));
        AssertStatus(400, common, "a breached password");
        AssertContains("breached passwords", common, "the refusal of a breached password");

        var done = await browser.PostAsync(link, Form(("token", HiddenField(form.Html, "token")), ("new_password", NewPassword), ("password_confirm", NewPassword)), Browser.CsrfToken(form.Html));
        AssertRedirect(done, "/account/login", "setting the new password");

        // The same link again: refused, and it says why.
        var replay = await browser.GetAsync(link);
        AssertStatus(400, replay, "the reset link used a second time");
        AssertContains("already been used", replay, "the refusal of a used reset link");
        var replayPost = await browser.PostAsync(link, Form(("token", HiddenField(form.Html, "token")), ("new_password", "yet another fine passphrase"), ("password_confirm", "yet another fine passphrase")), Browser.CsrfToken((await browser.GetAsync("/account/login")).Html));
        AssertStatus(400, replayPost, "posting a new password with a used link");
        var forged = await browser.GetAsync("/account/reset-password/confirm?token=not-a-token");
        AssertStatus(400, forged, "a made-up reset token");
        AssertContains("not valid or has expired", forged, "the refusal of a made-up token");

        // The old session died with the old password; the old password no longer works; the new one does.
        AssertRedirect(await laptop.GetAsync("/manage/account"), "/account/login", "the session from before the reset");
        AssertStatus(401, await LoginAsync(browser, name, Password), "the old password");
        await SignedInAsync(browser, name, NewPassword);

        var user = (await ServerDatabase.UserAsync(server, name))!;
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:password:reset:request");
        AssertEvent(events, "account:password:reset");
        AssertEvent(events, "account:email:sent", e => Str(e, "subject") == "Reset your password" && Str(e, "to_email") == email);
        AssertEvent(events, "account:email:sent", e => Str(e, "subject") == "Your password was changed");
        await AssertAddressOnlyInIpAddressesAsync(server, "203.0.113.32");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Changing_the_password_keeps_this_session_and_ends_the_others(Database db)
    {
        var server = await ServerAsync(db);
        var name = Unique("frank", db);
        await server.CreateUserAsync(name, Password);
        using var phone = new Browser(server, "203.0.113.41");
        using var desk = new Browser(server, "203.0.113.42");
        await SignedInAsync(phone, name);
        await SignedInAsync(desk, name);

        var wrongCurrent = await SubmitHandlerAsync(desk, "/manage/account", "Password",
            Form(("current_password", "wrong"), ("new_password", NewPassword), ("password_confirm", NewPassword)));
        AssertStatus(403, wrongCurrent, "a wrong current password");
        AssertContains("current password is not correct", wrongCurrent, "the refusal");
        var mismatch = await SubmitHandlerAsync(desk, "/manage/account", "Password",
            Form(("current_password", Password), ("new_password", NewPassword), ("password_confirm", NewPassword + "x")));
        AssertStatus(400, mismatch, "two different new passwords");

        var changed = await SubmitHandlerAsync(desk, "/manage/account", "Password",
            Form(("current_password", Password), ("new_password", NewPassword), ("password_confirm", NewPassword)));
        AssertRedirect(changed, "/manage/account", "changing the password");
        AssertStatus(200, await desk.GetAsync("/manage/account"), "the session that changed the password");
        AssertRedirect(await phone.GetAsync("/manage/account"), "/account/login", "another session after the change");

        var user = (await ServerDatabase.UserAsync(server, name))!;
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:password:change");
        AssertEvent(events, "account:reauthenticate:failure", e => Str(e, "reason") == "invalid_password");
    }
}
