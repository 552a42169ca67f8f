namespace Cheeseshop.Core.Packaging;

public enum DistributionKind { Sdist, Wheel }

/// <summary>A parsed distribution filename: a wheel (PEP 427/491) or an sdist (PEP 625, or legacy .tar.gz/.zip).</summary>
public sealed record DistributionFilename(
    DistributionKind Kind,
    string Filename,
    /// <summary>The name as written in the filename (escaped form for wheels).</summary>
    string Name,
    PackageVersion Version,
    /// <summary>Wheel only: build tag, python, abi and platform tags (compressed tag sets split on '.').</summary>
    string? BuildTag,
    IReadOnlyList<string> PythonTags,
    IReadOnlyList<string> AbiTags,
    IReadOnlyList<string> PlatformTags,
    /// <summary>".whl", ".tar.gz" or ".zip".</summary>
    string Extension)
{
    /// <summary>The extensions accepted for upload: PEP 527 left wheels and sdists (.tar.gz, and the legacy .zip).</summary>
    public static IReadOnlyList<string> AcceptedExtensions { get; } = [".whl", ".tar.gz", ".zip"];

    /// <summary>
    /// The longest filename accepted, in UTF-8 bytes. A file is stored under its own name and a wheel's
    /// METADATA beside it as "{filename}.metadata"; file systems cap a name at 255 bytes, so the
    /// filename gets 255 minus the 9 bytes of ".metadata". S3 keys (1,024 bytes) hold that after the
    /// 67-byte hash folders with room for a prefix (see the storage settings).
    /// </summary>
    public const int MaxFilenameBytes = 255 - 9;

    /// <summary>Null when the filename fits <see cref="MaxFilenameBytes"/>; otherwise why not, for a person.
    /// Cheap enough to check as soon as the name arrives, before the file does.</summary>
    public static string? CheckLength(string filename)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(filename);
        if (bytes <= MaxFilenameBytes) return null;
        var unit = bytes == filename.Length ? "characters" : "bytes of UTF-8";
        return $"Invalid distribution filename {MessageText.Quote(filename)}: it is {bytes} {unit} long, more than the limit of "
             + $"{MaxFilenameBytes} (a stored file and its .metadata file must fit the 255-byte name limit of file systems).";
    }

    /// <summary>
    /// Parses a wheel or sdist filename. For sdists the name/version split is ambiguous in legacy
    /// names ("foo-bar-1.0.tar.gz"), so <paramref name="projectName"/> (any form) is used to split it
    /// when given; without it the split is at the last '-'. Returns false with a message a person
    /// understands in <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(string filename, string? projectName, out DistributionFilename? result, out string? error)
    {
        result = null;
        error = CheckSafe(filename);
        if (error is not null) return false;

        if (filename.EndsWith(".whl", StringComparison.Ordinal))
            return TryParseWheel(filename, out result, out error);
        if (filename.EndsWith(".tar.gz", StringComparison.Ordinal))
            return TryParseSdist(filename, ".tar.gz", projectName, out result, out error);
        if (filename.EndsWith(".zip", StringComparison.Ordinal))
            return TryParseSdist(filename, ".zip", projectName, out result, out error);

        error = $"Invalid distribution filename {MessageText.Quote(filename)}: unsupported file extension. "
              + "Use .whl for wheels and .tar.gz (or the legacy .zip) for source distributions; "
              + "other formats such as .egg, .exe, .msi, .rpm, .tar.bz2 or .tgz are not accepted (PEP 527).";
        return false;
    }

    // The filename becomes a storage key and part of URLs, so anything that could act as a path
    // is refused before it is even parsed.
    private static string? CheckSafe(string? filename)
    {
        if (string.IsNullOrEmpty(filename)) return "The distribution filename is empty.";
        var quoted = MessageText.Quote(filename);
        if (filename.Contains('/') || filename.Contains('\\'))
            return $"Invalid distribution filename {quoted}: it must be a plain file name, without '/' or '\\'.";
        if (filename is "." or "..")
            return $"Invalid distribution filename {quoted}: it must be a plain file name.";
        if (filename.Any(char.IsControl))
            return $"Invalid distribution filename {quoted}: it contains control characters.";
        if (filename.Any(char.IsWhiteSpace))
            return $"Invalid distribution filename {quoted}: it contains whitespace.";
        return CheckLength(filename);
    }

    // {name}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
    private static bool TryParseWheel(string filename, out DistributionFilename? result, out string? error)
    {
        result = null;
        string Fail(string why) => $"Invalid wheel filename {MessageText.Quote(filename)}: {why}";

        var parts = filename[..^".whl".Length].Split('-');
        if (parts.Length is not (5 or 6))
        {
            error = Fail("expected {name}-{version}(-{build tag})-{python tag}-{abi tag}-{platform tag}.whl, "
                       + $"with the name and version escaped so that they contain no '-' (found {parts.Length - 1} '-').");
            return false;
        }

        var name = parts[0];
        // Escaped names (binary distribution format spec) have runs of '-', '_' and '.' replaced by
        // a single '_', so "__" never appears in a conforming wheel (packaging rejects it too).
        if (!ProjectName.IsValid(name) || name.Contains("__", StringComparison.Ordinal))
        {
            error = Fail($"{MessageText.Quote(name)} is not a valid project name.");
            return false;
        }

        if (!PackageVersion.TryParse(parts[1], out var version))
        {
            error = Fail($"{MessageText.Quote(parts[1])} is not a valid PEP 440 version.");
            return false;
        }

        string? build = null;
        if (parts.Length == 6)
        {
            build = parts[2];
            if (build.Length == 0 || !char.IsAsciiDigit(build[0]) || !build.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                error = Fail($"the build tag {MessageText.Quote(build)} must start with a digit.");
                return false;
            }
        }

        var python = SplitTagSet(parts[^3]);
        var abi = SplitTagSet(parts[^2]);
        var platform = SplitTagSet(parts[^1]);
        if (python is null || abi is null || platform is null)
        {
            var bad = python is null ? parts[^3] : abi is null ? parts[^2] : parts[^1];
            error = Fail($"the tag {MessageText.Quote(bad)} is not valid; tags are letters, digits and '_', "
                       + "with '.' between the members of a compressed tag set (e.g. py2.py3).");
            return false;
        }

        result = new DistributionFilename(DistributionKind.Wheel, filename, name, version!, build, python, abi, platform, ".whl");
        error = null;
        return true;
    }

    // A compressed tag set such as "py2.py3" or "manylinux_2_17_x86_64.manylinux2014_x86_64".
    private static IReadOnlyList<string>? SplitTagSet(string tagSet)
    {
        var tags = tagSet.Split('.');
        foreach (var tag in tags)
        {
            if (tag.Length == 0 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return null;
        }
        return Array.AsReadOnly(tags);
    }

    // {name}-{version}.tar.gz (PEP 625: name normalized with '_'), or a legacy name that may itself
    // contain '-', which only the project name can disambiguate.
    private static bool TryParseSdist(string filename, string extension, string? projectName, out DistributionFilename? result, out string? error)
    {
        result = null;
        string Fail(string why) => $"Invalid sdist filename {MessageText.Quote(filename)}: {why}";
        var stem = filename[..^extension.Length];

        string name, versionText;
        if (!string.IsNullOrWhiteSpace(projectName))
        {
            var wanted = ProjectName.Normalize(projectName.Trim());
            var split = -1;
            for (var i = stem.IndexOf('-'); i >= 0; i = stem.IndexOf('-', i + 1))
            {
                if (ProjectName.Normalize(stem[..i]) == wanted) { split = i; break; }
            }
            if (split < 0)
            {
                error = Fail($"it must start with the project name {MessageText.Quote(projectName)} "
                           + $"followed by '-' and the version, e.g. '{wanted.Replace('-', '_')}-1.0{extension}'.");
                return false;
            }
            name = stem[..split];
            versionText = stem[(split + 1)..];
        }
        else
        {
            var split = stem.LastIndexOf('-');
            if (split < 0)
            {
                error = Fail($"expected {{name}}-{{version}}{extension}.");
                return false;
            }
            name = stem[..split];
            versionText = stem[(split + 1)..];
        }

        if (!ProjectName.IsValid(name))
        {
            error = Fail($"{MessageText.Quote(name)} is not a valid project name.");
            return false;
        }
        if (!PackageVersion.TryParse(versionText, out var version))
        {
            error = Fail($"{MessageText.Quote(versionText)} is not a valid PEP 440 version.");
            return false;
        }

        result = new DistributionFilename(DistributionKind.Sdist, filename, name, version!, null, [], [], [], extension);
        error = null;
        return true;
    }
}
