using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Accounts;

/// <summary>`cheeseshop users rename`: the only way a username changes, recorded with who and when.</summary>
public sealed class UsernameRenameTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Rename_records_the_change_and_the_new_name_signs_in(Database db)
    {
        var server = await ServerAsync(db);
        var oldName = Unique("tina", db);
        var newName = Unique("tina-renamed", db);
        var taken = Unique("ursula", db);
        await server.CreateUserAsync(oldName, Password);
        await server.CreateUserAsync(taken, Password);
        using var browser = new Browser(server, "203.0.113.101");
        await SignedInAsync(browser, oldName);

        AssertFailed(await CliAsync(server, "users", "rename", oldName, taken.ToUpperInvariant()), "renaming onto a taken name (other case)", "already taken");
        AssertFailed(await CliAsync(server, "users", "rename", oldName, "bad name!"), "renaming to an invalid name", "Usernames are");
        AssertFailed(await CliAsync(server, "users", "rename", "nobody-" + oldName, newName), "renaming an unknown user", "No user named");
        AssertFailed(await CliAsync(server, "users", "rename", oldName, "Deleted-User"), "renaming to the tombstone's name", "reserved");
        var result = await CliAsync(server, "users", "rename", oldName, newName);
        AssertSucceeded(result, "users rename");
        AssertOutputContains(result, $"Renamed '{oldName}' to '{newName}'", "users rename");

        await using (var dbc = ServerDatabase.Open(server))
        {
            var user = await dbc.Users.SingleAsync(u => u.NormalizedUsername == newName);
            var change = await dbc.UsernameChanges.SingleAsync(c => c.UserId == user.Id);
            Assert.Equal(oldName, change.OldUsername);
            Assert.Equal(newName, change.NewUsername);
            Assert.Equal("cli:" + Environment.UserName, change.ChangedBy);
            Assert.True(DateTime.UtcNow - change.Time < TimeSpan.FromMinutes(5));
            var events = await ServerDatabase.UserEventsAsync(server, user.Id);
            AssertEvent(events, "account:username:change",
                e => Str(e, "old") == oldName && Str(e, "new") == newName && Str(e, "changed_by") == "cli:" + Environment.UserName);
        }

        // The open session goes on, under the new name; signing in takes the new name only.
        AssertContains($"Account ({newName})", await browser.GetAsync("/manage/account"), "the header after the rename");
        using var fresh = new Browser(server, "203.0.113.102");
        AssertStatus(401, await LoginAsync(fresh, oldName), "the old username");
        await SignedInAsync(fresh, newName);
    }
}
