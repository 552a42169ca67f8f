using System.Formats.Tar;

namespace Cheeseshop.Core.Packaging;

/// <summary>
/// Links and special files in an sdist. Installers and people unpack sdists with tar, which creates
/// what the archive says: a link to /etc/passwd, a file written through a link to a folder outside, a
/// device or a FIFO. So an sdist holds regular files and directories, plus links that stay inside its
/// top-level directory (symbolic links relative to where they sit, hard links to a file before them),
/// and nothing reached through a symbolic link. Python's tarfile "data" filter (PEP 706) draws the
/// line in the same place, except that it allows paths through links whose targets it can check on
/// disk; from the archive alone only a path without links can be proven to stay inside.
/// </summary>
internal sealed class TarLinkRules(string archive)
{
    private readonly HashSet<string> _symlinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    // Every entry, and every link's target, checked at the end for a symbolic link on its way.
    private readonly List<(string Entry, string[] Segments, bool IsSymlink)> _paths = [];
    private readonly List<(string Entry, List<string> Walked)> _targets = [];

    public void Add(TarEntry entry, string[] segments)
    {
        var path = string.Join('/', segments);
        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (segments.Length > 0) _files.Add(path);
                break;
            case TarEntryType.Directory:
                break;
            case TarEntryType.SymbolicLink:
            {
                List<string> walked = [];
                var target = segments.Length == 0 ? null : Resolve(segments[..^1], entry.LinkName, out walked);
                if (target is null)
                    throw Invalid(entry.Name, $"is a symbolic link to {MessageText.Quote(entry.LinkName)}, which points outside "
                                            + "the sdist's top-level directory; installers would unpack it unsafely.");
                if (!_symlinks.Add(path))
                    throw Invalid(entry.Name, "is a symbolic link that appears more than once.");
                _targets.Add((entry.Name, walked));
                break;
            }
            case TarEntryType.HardLink:
            {
                var target = Resolve([], entry.LinkName, out var walked);
                if (target is null || segments.Length == 0 || target[0] != segments[0] || !_files.Contains(string.Join('/', target)))
                    throw Invalid(entry.Name, $"is a hard link to {MessageText.Quote(entry.LinkName)}, which is not a regular file "
                                            + "earlier in the sdist's top-level directory; installers would unpack it unsafely.");
                _targets.Add((entry.Name, walked));
                break;
            }
            default:
                throw Invalid(entry.Name, $"is {Describe(entry.EntryType)}; an sdist may hold only regular files, directories "
                                        + "and links that stay inside it.");
        }
        _paths.Add((entry.Name, segments, entry.EntryType == TarEntryType.SymbolicLink));
    }

    /// <summary>After the last entry: nothing may be reached through a symbolic link, because what is
    /// behind the link is only known once it is unpacked.</summary>
    public void Finish()
    {
        foreach (var (entry, segments, isSymlink) in _paths)
        {
            if (!isSymlink && _symlinks.Contains(string.Join('/', segments)))
                throw Invalid(entry, "is also a symbolic link in the same archive; unpacking would write through the link.");
            if (Through(segments) is { } link)
                throw Invalid(entry, $"is reached through the symbolic link {MessageText.Quote(link)}; installers would write where it points.");
        }
        foreach (var (entry, walked) in _targets)
        {
            if (walked.FirstOrDefault(_symlinks.Contains) is { } link)
                throw Invalid(entry, $"is a link whose target goes through the symbolic link {MessageText.Quote(link)}; "
                                   + "where it points cannot be known from the archive.");
        }
    }

    private string? Through(string[] segments)
    {
        for (var i = 1; i < segments.Length; i++)
        {
            var prefix = string.Join('/', segments[..i]);
            if (_symlinks.Contains(prefix)) return prefix;
        }
        return null;
    }

    /// <summary>A link target resolved against the folder <paramref name="from"/> (segments from the
    /// archive root), or null when it is absolute or leaves the top-level directory on the way.
    /// <paramref name="walked"/> gets every path the resolution passes through on its way to the end:
    /// each must be a real directory, since "link/.." is not where it seems when "link" is a link.</summary>
    internal static string[]? Resolve(string[] from, string? target, out List<string> walked)
    {
        walked = [];
        if (string.IsNullOrEmpty(target) || target.Contains('\0')) return null;
        if (target[0] is '/' or '\\' || (target.Length >= 2 && char.IsAsciiLetter(target[0]) && target[1] == ':')) return null;
        var stack = new List<string>(from);
        var parts = target.Split('/', '\\').Where(p => p is not ("" or ".")).ToArray();
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == "..")
            {
                if (stack.Count <= 1) return null;
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            stack.Add(parts[i]);
            if (i < parts.Length - 1) walked.Add(string.Join('/', stack));
        }
        return stack.Count == 0 ? null : stack.ToArray();
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.CharacterDevice => "a character device",
        TarEntryType.BlockDevice => "a block device",
        TarEntryType.Fifo => "a FIFO (named pipe)",
        TarEntryType.SparseFile => "a sparse file",
        _ => $"a tar entry of type '{(char)type}'",
    };

    private InvalidDistributionException Invalid(string entry, string why) =>
        new($"Invalid distribution file {archive}: the entry {MessageText.Quote(entry)} {why}");
}

/// <summary>
/// The file type a zip entry carries in the upper half of its external attributes (Unix st_mode, as
/// Info-ZIP and Python's zipfile write it). pip turns an S_IFLNK entry of a wheel into a symbolic link
/// whose target is the entry's content, so a wheel could plant a link to anywhere; devices and FIFOs
/// have no place in a distribution either. Entries without a Unix mode (made on Windows) are files.
/// </summary>
internal static class ZipEntryType
{
    private const int TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, Symlink = 0xA000;

    public static void Check(System.IO.Compression.ZipArchiveEntry entry, string archive, string kindWithArticle)
    {
        var type = (entry.ExternalAttributes >> 16) & TypeMask;
        if (type is 0 or Regular or Directory) return;
        var what = type switch
        {
            Symlink => "a symbolic link",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => $"of an unknown file type (mode 0{Convert.ToString(type, 8)})",
        };
        throw new InvalidDistributionException(
            $"Invalid distribution file {archive}: the entry {MessageText.Quote(entry.FullName)} is {what}; "
            + $"{kindWithArticle} may hold only regular files and directories, and installers would unpack it unsafely.");
    }
}
