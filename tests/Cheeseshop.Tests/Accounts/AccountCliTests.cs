using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// <c>cheeseshop users create</c> and <c>tokens create</c> go through the account rules of the web pages:
/// a password the sign-up page refuses is refused with the same words, and the same events are recorded.
/// An operator's account still has its address verified.
/// </summary>
public sealed class AccountCliTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Users_create_refuses_what_the_sign_up_page_refuses(Database database)
    {
        var server = await ServerAsync(database);
        foreach (var (password, message) in new[]
                 {
                     ("password1", "error: This password appears in public lists of breached passwords, so attackers try it first. Choose a different one."),
                     ("short", "error: This password is too short: use at least 8 characters (a few unrelated words make a good one)."),
                 })
        {
            var name = Unique("cli-weak", database);
            var result = Logged(await server.RunCliWithInputAsync(password + "\n",
                "users", "create", name, "--email", $"{name}@example.org", "--password-stdin"));
            AssertEqual(1, result.ExitCode, $"exit code of users create with the password '{password}'");
            AssertEqual(message, result.Stderr.Trim(), $"what users create says about the password '{password}'");
            Assert.Null(await ServerDatabase.UserAsync(server, name));
        }

        var named = Unique("cli-self", database);
        var same = Logged(await server.RunCliWithInputAsync(named + "\n",
            "users", "create", named, "--email", $"{named}@example.org", "--password-stdin"));
        AssertFailed(same, "users create with the username as password", "error: Your password must not be your username.");
        Assert.Null(await ServerDatabase.UserAsync(server, named));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Users_create_makes_a_verified_account_and_records_its_creation(Database database)
    {
        var server = await ServerAsync(database);
        var name = Unique("cli-made", database);
        var email = $"{name}@example.org";
        var result = Logged(await server.RunCliWithInputAsync(Password + "\n", "users", "create", name, "--email", email, "--password-stdin"));
        AssertEqual(0, result.ExitCode, "exit code of users create");
        AssertEqual($"Created user '{name}'.", result.Stderr.Trim(), "what users create says");

        var user = (await ServerDatabase.UserAsync(server, name))!;
        var address = Assert.Single(user.Emails);
        Assert.Equal((email, true, true), (address.Email, address.IsPrimary, address.IsVerified));
        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:create", e => Str(e, "email") == email);
        AssertEvent(events, "account:email:add", e => Str(e, "email") == email);
        AssertEvent(events, "account:email:verified", e => Str(e, "email") == email);
        Assert.All(events, e => Assert.Null(e.IpAddressId)); // the CLI has no client address

        // The address is now taken, as it would be for the sign-up page.
        var other = Unique("cli-same-mail", database);
        AssertFailed(Logged(await server.RunCliWithInputAsync(Password + "\n", "users", "create", other, "--email", email.ToUpperInvariant(), "--password-stdin")),
            "users create with an address another account has", "error: This email address is already used by another account.");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Tokens_create_records_the_token_created_events(Database database)
    {
        var server = await ServerAsync(database);
        var owner = Unique("cli-tok", database);
        var project = Unique("cli-tok-proj", database);
        await RoleTests.CreateProjectAsync(server, owner, project);
        var user = (await ServerDatabase.UserAsync(server, owner))!;

        var unscoped = Logged(await server.RunCliAsync("tokens", "create", owner, "--description", "from the cli"));
        AssertEqual(0, unscoped.ExitCode, "exit code of tokens create");
        Assert.StartsWith("cheeseshop-", unscoped.Stdout.Trim());
        var scoped = Logged(await server.RunCliAsync("tokens", "create", owner, "--project", project, "--description", "cli, one project"));
        AssertEqual(0, scoped.ExitCode, "exit code of tokens create --project");

        var events = await ServerDatabase.UserEventsAsync(server, user.Id);
        AssertEvent(events, "account:api_token:added", e => Str(e, "description") == "from the cli" && Str(e, "scope") == "user");
        AssertEvent(events, "account:api_token:added", e => Str(e, "description") == "cli, one project" && Str(e, "scope") == $"project:{project}");
        var projectEvents = await ServerDatabase.ProjectEventsAsync(server, project);
        Assert.Contains(projectEvents, e => e.Tag == "project:api_token:added" && e.AdditionalJson.Contains("cli, one project"));

        AssertFailed(Logged(await server.RunCliAsync("tokens", "create", "nobody-" + owner)), "tokens create for an unknown user", $"error: No user named 'nobody-{owner}'.");
    }
}
