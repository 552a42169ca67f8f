using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Core.Backup;

/// <summary>One member of a backup as its manifest lists it.</summary>
public sealed record BackupMember(string Name, long Size, string Sha256);

/// <summary>
/// The rules of a backup that need no I/O: how long it may be kept, which member names are acceptable,
/// and whether what a backup holds matches what its manifest says.
/// </summary>
public static class BackupRules
{
    /// <summary>
    /// The data classes whose rows a backup holds in raw form and retention erases within months: client
    /// addresses, failed sign-ins, records of sent mail, unverified accounts, download events. A backup
    /// keeps them past their erasure, so it must itself be destroyed once the longest of these windows
    /// has passed since it was taken (later rows are then gone from the live index, and so must be from
    /// the backup). Classes kept for years (audit log, legal requests) hold no such raw data.
    /// </summary>
    public static readonly IReadOnlyList<string> RawDataClasses =
    [
        RetentionPolicy.RawIpAddress,
        RetentionPolicy.LoginFailureEvents,
        RetentionPolicy.SentEmail,
        RetentionPolicy.UnverifiedAccounts,
        RetentionPolicy.DownloadEvents,
    ];

    /// <summary>The date after which a backup taken at <paramref name="takenAt"/> under <paramref name="rules"/>
    /// must be destroyed: the longest raw-data window after it was taken.</summary>
    public static DateTimeOffset DestroyAfter(DateTimeOffset takenAt, IReadOnlyList<RetentionRule> rules)
    {
        var days = rules.Where(r => RawDataClasses.Contains(r.Key) && r.Days is not null).Select(r => r.Days!.Value).DefaultIfEmpty(0).Max();
        return takenAt.AddDays(days);
    }

    public static bool Expired(DateTimeOffset destroyAfter, DateTimeOffset now) => now > destroyAfter;

    /// <summary>A member name that cannot leave the folder it is restored into: relative, '/'-separated,
    /// without empty, '.' or '..' segments, backslashes or control characters.</summary>
    public static bool SafeName(string name) =>
        name.Length is > 0 and <= 1024 && !name.StartsWith('/') && !name.Contains('\\')
        && !name.Any(char.IsControl)
        && name.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");

    /// <summary>Every difference between the manifest and what the backup holds, and each of the
    /// <paramref name="required"/> members neither has, one sentence each; none means the backup is whole and
    /// unchanged. A manifest without a list of members (null) cannot vouch for anything.</summary>
    public static IReadOnlyList<string> Verify(IReadOnlyList<BackupMember>? manifest, IReadOnlyList<BackupMember> found,
        IReadOnlyCollection<string> required)
    {
        if (manifest is null) return ["its manifest lists no members"];
        var problems = new List<string>();
        var listed = new Dictionary<string, BackupMember>(StringComparer.Ordinal);
        foreach (var m in manifest)
        {
            if (!SafeName(m.Name)) problems.Add($"the manifest names '{m.Name}', which is not a safe relative path");
            else if (!listed.TryAdd(m.Name, m)) problems.Add($"the manifest lists '{m.Name}' twice");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in found)
        {
            if (!seen.Add(f.Name)) problems.Add($"'{f.Name}' is in the backup twice");
            else if (!listed.TryGetValue(f.Name, out var m)) problems.Add($"'{f.Name}' is in the backup but not in its manifest");
            else if (m.Size != f.Size) problems.Add($"'{f.Name}' is {f.Size} bytes; the manifest says {m.Size}");
            else if (!string.Equals(m.Sha256, f.Sha256, StringComparison.OrdinalIgnoreCase)) problems.Add($"'{f.Name}' does not have the SHA-256 the manifest gives");
        }
        problems.AddRange(listed.Keys.Where(n => !seen.Contains(n)).Select(n => $"'{n}' is in the manifest but missing from the backup"));
        problems.AddRange(required.Where(n => !seen.Contains(n) && !listed.ContainsKey(n)).Select(n => $"it has no '{n}', which every backup holds"));
        return problems;
    }
}
