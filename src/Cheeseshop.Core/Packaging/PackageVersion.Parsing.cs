using System.Globalization;
using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Packaging;

public sealed partial class PackageVersion
{
    // PEP 440 Appendix B, the "permissive" form that accepts every spelling the normalization rules
    // know about. Matched against ASCII-only text (checked first), so IgnoreCase cannot let
    // non-ASCII look-alikes such as U+0130 or the Kelvin sign match [a-z].
    [GeneratedRegex("""
        \A v?
        (?:(?<epoch>[0-9]+)!)?
        (?<release>[0-9]+(?:\.[0-9]+)*)
        (?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?
        (?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?
        (?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?
        (?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
        \z
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex VersionPattern();

    public static bool TryParse(string text, out PackageVersion? version)
    {
        version = null;
        if (text is null) return false;
        // Leading and trailing whitespace is allowed and ignored (PEP 440, "Leading and trailing whitespace").
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || !IsAscii(trimmed)) return false;

        var m = VersionPattern().Match(trimmed);
        if (!m.Success) return false;

        var epoch = 0;
        if (m.Groups["epoch"].Success && !int.TryParse(m.Groups["epoch"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
            return false;

        var parts = m.Groups["release"].Value.Split('.');
        var release = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParseNumber(parts[i], out release[i])) return false;
        }

        (string, long)? pre = null;
        if (m.Groups["pre"].Success)
        {
            // An implicit pre-release number is 0 ("1.0a" is "1.0a0").
            long n = 0;
            if (m.Groups["pre_n"].Success && !TryParseNumber(m.Groups["pre_n"].Value, out n)) return false;
            pre = (NormalizePreLabel(m.Groups["pre_l"].Value), n);
        }

        long? post = null;
        if (m.Groups["post"].Success)
        {
            // "1.0-1" is the implicit post-release spelling; "1.0.post" means post0.
            var digits = m.Groups["post_n1"].Success ? m.Groups["post_n1"].Value
                : m.Groups["post_n2"].Success ? m.Groups["post_n2"].Value : "0";
            if (!TryParseNumber(digits, out var n)) return false;
            post = n;
        }

        long? dev = null;
        if (m.Groups["dev"].Success)
        {
            long n = 0;
            if (m.Groups["dev_n"].Success && !TryParseNumber(m.Groups["dev_n"].Value, out n)) return false;
            dev = n;
        }

        string[]? local = null;
        if (m.Groups["local"].Success)
        {
            local = m.Groups["local"].Value.ToLowerInvariant().Split('.', '-', '_');
            for (var i = 0; i < local.Length; i++) local[i] = NormalizeLocalSegment(local[i]);
        }

        version = new PackageVersion(epoch, release, pre, post, dev, local);
        return true;
    }

    /// <summary>Throws FormatException with a message naming the text.</summary>
    public static PackageVersion Parse(string text) =>
        TryParse(text, out var v) ? v! : throw new FormatException($"'{text}' is not a valid PEP 440 version.");

    private static bool IsAscii(string s)
    {
        foreach (var c in s) if (!char.IsAscii(c)) return false;
        return true;
    }

    // Numbers are unbounded in PEP 440; anything past long is rejected as invalid rather than
    // wrapping or throwing. Leading zeros are fine ("1.01" is "1.1").
    private static bool TryParseNumber(string digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string NormalizePreLabel(string label) => label.ToLowerInvariant() switch
    {
        "a" or "alpha" => "a",
        "b" or "beta" => "b",
        _ => "rc", // c, rc, pre, preview
    };

    // Numeric local segments compare as integers, so "00" and "0" are the same segment; they are
    // kept as digit strings (without leading zeros) because they may exceed any integer type.
    private static string NormalizeLocalSegment(string segment)
    {
        foreach (var c in segment) if (!char.IsAsciiDigit(c)) return segment;
        var trimmed = segment.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }
}
