using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class RoleHistoryTests
{
    private static readonly DateTime T = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Roles_are_rebuilt_from_the_change_log_under_every_name_the_subject_held()
    {
        // "alice" until day 10, then "alicia"; on day 12 someone else registers "alice".
        var history = new RoleHistory([new NameInterval("alice", DateTime.MinValue, T.AddDays(10)), new NameInterval("alicia", T.AddDays(10), null)]);
        history.Apply("Tools", "create", T.AddDays(1));
        history.Apply("Tools", "add Owner alice", T.AddDays(1));
        history.Apply("Old-Thing", "add Owner alice", T.AddDays(2));
        history.Apply("old_thing", "remove project", T.AddDays(3));
        history.Apply("Shared", "invite Maintainer alice", T.AddDays(4));
        history.Apply("Shared", "accepted Maintainer ALICE", T.AddDays(5));
        history.Apply("Shared", "change Maintainer alicia to Owner", T.AddDays(11));
        history.Apply("Imposter", "add Owner alice", T.AddDays(12));
        history.Apply("Left", "add Maintainer alice", T.AddDays(6));
        history.Apply("Left", "remove Maintainer alicia", T.AddDays(13));

        var roles = history.Finish(new Dictionary<string, (string, string)>
        {
            ["tools"] = ("Tools", "Owner"), ["shared"] = ("Shared", "Owner"), ["untracked"] = ("Untracked", "Maintainer"),
        }, null);

        var expected = new (string, string, DateTime, DateTime?, string, string)[]
        {
            ("Left", "Maintainer", T.AddDays(6), T.AddDays(13), "added", "removed"),
            ("Old-Thing", "Owner", T.AddDays(2), T.AddDays(3), "added", "project removed"),
            ("Shared", "Maintainer", T.AddDays(5), T.AddDays(11), "accepted an invitation", "changed to Owner"),
            ("Shared", "Owner", T.AddDays(11), null, "changed from Maintainer", "current"),
            ("Tools", "Owner", T.AddDays(1), null, "added", "current"),
        };
        Assert.Equal(expected, roles.Where(r => r.From is not null).Select(r => (r.Project, r.Role, r.From!.Value, r.To, r.Started, r.Ended)));
        var untracked = Assert.Single(roles, r => r.Project == "Untracked");
        Assert.Null(untracked.From);
        Assert.Equal("not recorded", untracked.Started);
        Assert.DoesNotContain(roles, r => r.Project == "Imposter");
    }

    [Fact]
    public void An_open_role_ends_with_a_sealed_account()
    {
        var history = new RoleHistory([new NameInterval("bob", DateTime.MinValue, null)]);
        history.Apply("P", "add Owner bob", T);
        var ended = T.AddDays(3);
        var role = Assert.Single(history.Finish(new Dictionary<string, (string, string)>(), ended));
        Assert.Equal((ended, "account deleted"), (role.To!.Value, role.Ended));
        var unknown = Assert.Single(new RoleHistory([new NameInterval("bob", DateTime.MinValue, null)]).Also(h => h.Apply("P", "add Owner bob", T))
            .Finish(new Dictionary<string, (string, string)>(), null));
        Assert.Null(unknown.To);
        Assert.Equal("ended; when is not recorded", unknown.Ended);
    }
}

internal static class Fluent
{
    public static T Also<T>(this T value, Action<T> act)
    {
        act(value);
        return value;
    }
}
