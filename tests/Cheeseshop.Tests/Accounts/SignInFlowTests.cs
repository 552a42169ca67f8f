using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// The whole life of a sign-in, through the pages: register, verify the address by the emailed link,
/// sign in, turn on TOTP with a real code, sign in with the code, fail with a wrong one, and use a
/// recovery code exactly once. Every step's event is checked, and the client's address (sent as
/// X-Forwarded-For from a documentation range) must be in ip_addresses and nowhere else.
/// </summary>
public sealed class SignInFlowTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private const string ClientAddress = "203.0.113.7";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Register_verify_sign_in_with_totp_and_recovery_code(Database db)
    {
        var server = await ServerAsync(db);
        using var browser = new Browser(server, ClientAddress);
        var name = Unique("carol", db);
        var email = $"{name}@example.org";

        await RegisterAsync(browser, name, email);
        var account = await browser.GetAsync("/manage/account");
        AssertStatus(200, account, "the account page right after registering (registration signs in)");
        AssertContains("not verified", account, "the account page before verification");
        await VerifyEmailAsync(server, browser, email);
        AssertContains("Primary, verified", await browser.GetAsync("/manage/account"), "the account page after verification");

        await LogoutAsync(browser);
        await SignedInAsync(browser, name);
        var (secret, recoveryCodes) = await EnableTotpAsync(browser);
        await LogoutAsync(browser);

        // The password alone now leads to the second step, not to a session.
        var step1 = await LoginAsync(browser, name);
        AssertRedirect(step1, "/account/two-factor", "signing in with TOTP on");
        AssertRedirect(await browser.GetAsync("/manage/account"), "/account/login", "a manage page between the two steps");

        var wrong = await SubmitHandlerAsync(browser, "/account/two-factor", "Totp", Form(("code", WrongTotp(secret))));
        AssertStatus(400, wrong, "a wrong TOTP code");
        AssertContains("That code is not correct", wrong, "the refusal of a wrong code");

        var right = await SubmitHandlerAsync(browser, "/account/two-factor", "Totp", Form(("code", NextTotp(secret))));
        AssertRedirect(right, "/manage/projects", "the right TOTP code");
        AssertStatus(200, await browser.GetAsync("/manage/account"), "the account page after the second step");
        await LogoutAsync(browser);

        AssertRedirect(await LoginAsync(browser, name), "/account/two-factor", "signing in again");
        var recovery = await SubmitHandlerAsync(browser, "/account/two-factor", "Recovery", Form(("recovery_code", recoveryCodes[3].ToUpperInvariant())));
        AssertRedirect(recovery, "/manage/projects", "a recovery code (typed in upper case)");
        await LogoutAsync(browser);

        AssertRedirect(await LoginAsync(browser, name), "/account/two-factor", "signing in once more");
        var burned = await SubmitHandlerAsync(browser, "/account/two-factor", "Recovery", Form(("recovery_code", recoveryCodes[3])));
        AssertStatus(400, burned, "a recovery code used a second time");
        AssertContains("already been used", burned, "the refusal of a used recovery code");
        var bogus = await SubmitHandlerAsync(browser, "/account/two-factor", "Recovery", Form(("recovery_code", "0000-0000-0000-0000")));
        AssertStatus(400, bogus, "a recovery code that was never issued");

        var user = await ServerDatabase.UserAsync(server, name) ?? throw new InvalidOperationException("no user row");
        Assert.NotNull(user.LastLogin);
        Assert.NotNull(user.TotpSecretProtected);
        Assert.DoesNotContain(Convert.ToBase64String(secret), user.TotpSecretProtected);

        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:create", e => Str(e, "email") == email);
        AssertEvent(events, "account:email:add", e => Str(e, "email") == email);
        AssertEvent(events, "account:email:sent", e => Str(e, "to_email") == email && Str(e, "subject") == "Verify your email address");
        AssertEvent(events, "account:email:verified", e => Str(e, "email") == email);
        AssertEvent(events, "account:login:success", e => Str(e, "two_factor_method") == "registration", "at registration");
        AssertEvent(events, "account:login:success", e => IsNull(e, "two_factor_method") && IsNull(e, "two_factor_label"), "with the password alone");
        AssertEvent(events, "account:two_factor:method_added", e => Str(e, "method") == "totp");
        AssertEvent(events, "account:recovery_codes:generated");
        AssertEvent(events, "account:login:failure", e => Str(e, "reason") == "invalid_totp");
        AssertEvent(events, "account:login:success", e => Str(e, "two_factor_method") == "totp" && Str(e, "two_factor_label") == "totp");
        AssertEvent(events, "account:recovery_codes:used");
        AssertEvent(events, "account:login:success", e => Str(e, "two_factor_method") == "recovery-code");
        AssertEvent(events, "account:login:failure", e => Str(e, "reason") == "burned_recovery_code");
        AssertEvent(events, "account:login:failure", e => Str(e, "reason") == "invalid_recovery_code");
        Assert.All(events, e => Assert.NotNull(e.IpAddressId));

        await using (var dbc = ServerDatabase.Open(server))
        {
            var sent = dbc.SentEmails.Where(m => m.UserId == user.Id).ToList();
            Assert.Contains(sent, m => m.Kind == "verify-email" && m.ToAddress == email);
            Assert.Equal(8, dbc.RecoveryCodes.Count(r => r.UserId == user.Id));
            Assert.Equal(7, dbc.RecoveryCodes.Count(r => r.UserId == user.Id && r.UsedAt == null));
        }
        await AssertAddressOnlyInIpAddressesAsync(server, ClientAddress);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Unknown_user_and_wrong_password_get_the_same_answer(Database db)
    {
        var server = await ServerAsync(db);
        using var browser = new Browser(server, "203.0.113.21");
        var name = Unique("dave", db);
        await server.CreateUserAsync(name, Password);

        var wrongPassword = await LoginAsync(browser, name, "not the password at all");
        var unknownUser = await LoginAsync(browser, Unique("nobody", db), "not the password at all");
        AssertStatus(401, wrongPassword, "a wrong password");
        AssertStatus(401, unknownUser, "an unknown username");
        AssertContains("The username or password is not correct.", wrongPassword, "a wrong password");
        AssertContains("The username or password is not correct.", unknownUser, "an unknown username");

        var user = (await ServerDatabase.UserAsync(server, name))!;
        AssertEvent(await ServerDatabase.UserEventsAsync(server, user.Id), "account:login:failure", e => Str(e, "reason") == "invalid_password");
    }
}
