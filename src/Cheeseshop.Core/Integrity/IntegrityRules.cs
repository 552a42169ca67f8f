using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Integrity;

/// <summary>The kinds of difference the integrity check reports; each is the first word of its line.</summary>
public static class FindingKinds
{
    public const string MissingFile = "missing-file";
    public const string SizeMismatch = "size-mismatch";
    public const string DigestMismatch = "digest-mismatch";
    public const string MissingMetadata = "missing-metadata";
    public const string OrphanFile = "orphan-file";
    public const string TempFile = "temp-file";
    public const string JournalGap = "journal-gap";
    public const string SerialMismatch = "serial-mismatch";
    public const string RollupMismatch = "rollup-mismatch";
    public const string InterruptedProduce = "interrupted-produce";
}

/// <summary>One difference between what the database says and what is there. <see cref="Repairable"/>
/// says whether --repair may fix it: only what no row refers to is ever removed, and no row is.</summary>
public sealed record Finding(string Kind, string Subject, string Detail, bool Repairable = false)
{
    public override string ToString() => $"{Kind}: {Subject}: {Detail}";
}

/// <summary>A file the rows say is stored. <see cref="Size"/> is null where the rows do not record it
/// (a wheel's .metadata file, of which only the digest is kept).</summary>
public sealed record ExpectedFile(string Path, long? Size, string Owner);

/// <summary>A file the store lists.</summary>
public sealed record ListedFile(string Path, long Length, DateTimeOffset LastModified);

public static class IntegrityRules
{
    /// <summary>
    /// Each project's last serial must be the newest journal id of its name. The journal keeps the display
    /// name of the day, which may differ from today's in case or separators, so names are compared
    /// normalized. A project without journal rows is left alone (nothing to compare with).
    /// </summary>
    public static IReadOnlyList<Finding> CompareSerials(IEnumerable<(string NormalizedName, long LastSerial)> projects,
        IEnumerable<(string Name, long NewestId)> journalByName) =>
        CompareSerials(projects, NewestByProject(journalByName));

    /// <summary>The newest journal id of each project, by normalized name: what its last serial must be.</summary>
    public static IReadOnlyDictionary<string, long> NewestByProject(IEnumerable<(string Name, long NewestId)> journalByName)
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, id) in journalByName)
        {
            var key = ProjectName.Normalize(name);
            if (!newest.TryGetValue(key, out var seen) || id > seen) newest[key] = id;
        }
        return newest;
    }

    public static IReadOnlyList<Finding> CompareSerials(IEnumerable<(string NormalizedName, long LastSerial)> projects,
        IReadOnlyDictionary<string, long> newest)
    {
        var findings = new List<Finding>();
        foreach (var (name, lastSerial) in projects.OrderBy(p => p.NormalizedName, StringComparer.Ordinal))
        {
            if (newest.TryGetValue(name, out var id) && id != lastSerial)
                findings.Add(new Finding(FindingKinds.SerialMismatch, name,
                    $"last_serial is {lastSerial} but its newest journal entry is {id}", Repairable: true));
        }
        return findings;
    }

    /// <summary>Journal serials run without gaps: each pair is a serial and the next one that exists.</summary>
    public static IReadOnlyList<Finding> JournalGaps(IEnumerable<(long Serial, long Next)> neighbours) =>
        neighbours.Where(p => p.Next != p.Serial + 1)
            .OrderBy(p => p.Serial)
            .Select(p => new Finding(FindingKinds.JournalGap, $"journal {p.Serial}..{p.Next}",
                p.Next == p.Serial + 2 ? $"serial {p.Serial + 1} is missing" : $"serials {p.Serial + 1} to {p.Next - 1} are missing"))
            .ToList();
}
