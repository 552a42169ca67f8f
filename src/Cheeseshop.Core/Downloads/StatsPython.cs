using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// The Python version of a download as pypistats buckets it: "3" and "3.12" from "3.12.1".
/// pypistats keeps only versions matching <c>^[0-9]\.[0-9]+</c> and drops every other download from
/// all of its tables; we keep the download and count an unusable version as unknown ("null").
/// </summary>
public static partial class StatsPython
{
    [GeneratedRegex(@"^(?<major>[0-9]+)\.(?<minor>[0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex MajorMinor();

    /// <summary>(major, minor) such as ("3", "3.12"), or (null, null) when the text is not a version.</summary>
    public static (string? Major, string? Minor) Split(string? python)
    {
        if (string.IsNullOrEmpty(python)) return (null, null);
        var match = MajorMinor().Match(python);
        if (!match.Success) return (null, null);
        // Leading zeros ("03.10") are kept as written, as pypistats' SPLIT and REGEXP_EXTRACT do.
        var major = match.Groups["major"].Value;
        return (major, major + "." + match.Groups["minor"].Value);
    }
}
