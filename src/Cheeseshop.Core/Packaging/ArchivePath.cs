namespace Cheeseshop.Core.Packaging;

/// <summary>Entry names inside uploaded archives: refused when they could escape an extraction
/// directory (a later tool, or a person, may well unpack the file), split into segments otherwise.</summary>
internal static class ArchivePath
{
    /// <summary>The '/'-separated segments of an entry name, without "./" prefixes, empty segments or a
    /// trailing '/'. Throws for absolute names and '..' segments (either separator counts for those).</summary>
    public static string[] Segments(string entryName, string archive)
    {
        string Fail(string why) => $"Invalid distribution file {archive}: the entry {MessageText.Quote(entryName)} {why}";
        if (entryName.Contains('\0'))
            throw new InvalidDistributionException(Fail("contains a NUL character."));
        if (entryName.StartsWith('/') || entryName.StartsWith('\\')
            || (entryName.Length >= 2 && char.IsAsciiLetter(entryName[0]) && entryName[1] == ':'))
            throw new InvalidDistributionException(Fail("has an absolute path."));
        if (entryName.Split('/', '\\').Any(s => s == ".."))
            throw new InvalidDistributionException(Fail("contains a '..' path segment."));
        return entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
    }
}

/// <summary>What sits at the top of an sdist: PEP 517/625 want exactly one directory, {name}-{version}/.</summary>
internal sealed class TopLevelLayout
{
    // Top-level entry name → whether it is a directory.
    private readonly Dictionary<string, bool> _entries = new(StringComparer.Ordinal);

    public void Add(string[] segments, bool isDirectoryEntry)
    {
        if (segments.Length == 0) return;
        var isDirectory = segments.Length > 1 || isDirectoryEntry;
        _entries[segments[0]] = _entries.TryGetValue(segments[0], out var seen) ? seen || isDirectory : isDirectory;
    }

    public string SingleDirectory(string archive)
    {
        if (_entries.Count == 0)
            throw new InvalidDistributionException($"Invalid sdist {archive}: the archive contains no files.");
        if (_entries.Count > 1)
        {
            var names = string.Join(", ", _entries.Keys.Order(StringComparer.Ordinal).Take(5).Select(MessageText.Quote));
            throw new InvalidDistributionException(
                $"Invalid sdist {archive}: it must contain exactly one top-level directory (such as 'name-1.0/'), "
                + $"but has {_entries.Count} top-level entries ({names}{(_entries.Count > 5 ? ", ..." : "")}).");
        }
        var (name, isDirectory) = _entries.Single();
        if (!isDirectory)
            throw new InvalidDistributionException(
                $"Invalid sdist {archive}: its only top-level entry {MessageText.Quote(name)} is a file; the files must be inside one top-level directory.");
        return name;
    }
}
