using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Disclosure;

/// <summary>A username the subject held from <paramref name="From"/> until <paramref name="To"/> (exclusive; null: still).</summary>
public sealed record NameInterval(string Username, DateTime From, DateTime? To)
{
    public bool Covers(DateTime t) => t >= From && (To is null || t < To);
}

/// <summary>One role the subject had on a project. A null From means the start is not recorded; a null
/// To means the role is current (see <see cref="Ended"/>).</summary>
public sealed record RoleInterval(string Project, string Role, DateTime? From, DateTime? To, string Started, string Ended);

/// <summary>
/// Rebuilds the roles a subject has and had from the public change log, which names the user in its
/// role actions ("add Owner alice", "accepted Maintainer alice", "change Maintainer alice to Owner",
/// "remove Owner alice", "remove project") and is kept for as long as the service runs. A username is
/// matched only while the subject held it (administrators rename accounts; a freed name may later be
/// someone else's). Feed rows in serial order, then <see cref="Finish"/> with the current roles.
/// </summary>
public sealed class RoleHistory(IReadOnlyList<NameInterval> names)
{
    private readonly Dictionary<string, (string Project, string Role, DateTime From, string Started)> _open = new();
    private readonly List<RoleInterval> _closed = [];
    private readonly Dictionary<string, string> _displayNames = new();

    public void Apply(string project, string action, DateTime time)
    {
        var key = ProjectName.Normalize(project);
        var parts = action.Split(' ');
        switch (parts)
        {
            case ["remove", "project"]:
                if (_open.Remove(key, out var gone)) Close(gone, time, "project removed");
                return;
            case ["add", var role, var user] when IsSubject(user, time):
                Open(key, project, role, time, "added");
                return;
            case ["accepted", var role, var user] when IsSubject(user, time):
                Open(key, project, role, time, "accepted an invitation");
                return;
            case ["change", var old, var user, "to", var role] when IsSubject(user, time):
                if (_open.Remove(key, out var before)) Close(before, time, $"changed to {role}");
                else _closed.Add(new RoleInterval(project, old, null, time, "not recorded", $"changed to {role}"));
                Open(key, project, role, time, $"changed from {old}");
                return;
            case ["remove", var role, var user] when IsSubject(user, time):
                if (_open.Remove(key, out var removed)) Close(removed, time, "removed");
                else _closed.Add(new RoleInterval(project, role, null, time, "not recorded", "removed"));
                return;
        }
    }

    /// <param name="currentRoles">Normalized project name → (display name, role) the subject holds now.</param>
    /// <param name="accountEnded">When the account stopped working (deleted under a hold), which ends every role.</param>
    public IReadOnlyList<RoleInterval> Finish(IReadOnlyDictionary<string, (string Project, string Role)> currentRoles, DateTime? accountEnded)
    {
        var result = new List<RoleInterval>(_closed);
        foreach (var (key, open) in _open)
        {
            if (currentRoles.TryGetValue(key, out var now) && now.Role == open.Role)
                result.Add(new RoleInterval(now.Project, open.Role, open.From, null, open.Started, "current"));
            else if (accountEnded is { } ended)
                result.Add(new RoleInterval(Display(key, open.Project), open.Role, open.From, ended, open.Started, "account deleted"));
            else
                result.Add(new RoleInterval(Display(key, open.Project), open.Role, open.From, null, open.Started, "ended; when is not recorded"));
        }
        foreach (var (key, now) in currentRoles)
        {
            if (!_open.TryGetValue(key, out var open) || open.Role != now.Role)
                result.Add(new RoleInterval(now.Project, now.Role, null, null, "not recorded", "current"));
        }
        return result
            .OrderBy(r => ProjectName.Normalize(r.Project), StringComparer.Ordinal)
            .ThenBy(r => r.From ?? DateTime.MinValue)
            .ThenBy(r => r.Role, StringComparer.Ordinal)
            .ToList();
    }

    private bool IsSubject(string username, DateTime time) =>
        names.Any(n => n.Covers(time) && string.Equals(n.Username, username, StringComparison.OrdinalIgnoreCase));

    private void Open(string key, string project, string role, DateTime time, string how)
    {
        _displayNames[key] = project;
        if (_open.Remove(key, out var previous)) Close(previous, time, $"replaced by {role}");
        _open[key] = (project, role, time, how);
    }

    private void Close((string Project, string Role, DateTime From, string Started) open, DateTime time, string how) =>
        _closed.Add(new RoleInterval(open.Project, open.Role, open.From, time, open.Started, how));

    private string Display(string key, string fallback) => _displayNames.GetValueOrDefault(key, fallback);
}
