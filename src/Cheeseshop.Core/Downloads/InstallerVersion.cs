using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// Just enough of PEP 440 to answer linehaul's version gates ("pip &gt;= 6", "pip &gt;= 1.4, &lt; 6",
/// "uv &gt;= 0.1.22"): a version must parse as PEP 440 to count, and it is compared with a final
/// release the way <c>packaging</c>'s SpecifierSet does with prereleases allowed. Kept here
/// rather than in Packaging so download parsing has no dependency on the full version model.
/// </summary>
internal sealed class InstallerVersion
{
    // PEP 440's permissive spelling (appendix B): optional "v", epoch, release, pre, post, dev, local.
    // Every repetition is delimited, so the backtracking engine runs in linear time here, and
    // input is capped at 256 characters; it is several times faster than the non-backtracking
    // engine at producing captures.
    private static readonly Regex Pattern = new(
        """
        ^v?
        (?:(?<epoch>[0-9]+)!)?
        (?<release>[0-9]+(?:\.[0-9]+)*)
        (?<pre>[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?
        (?<post>-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
        (?<dev>[-_.]?dev[-_.]?[0-9]*)?
        (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?
        $
        """,
        RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant
            | RegexOptions.ExplicitCapture,
        TimeSpan.FromMilliseconds(250));

    private InstallerVersion(string epoch, string[] release, bool sortsBeforeItsRelease)
    {
        Epoch = epoch;
        Release = release;
        SortsBeforeItsRelease = sortsBeforeItsRelease;
    }

    private string Epoch { get; }
    private string[] Release { get; }
    private bool SortsBeforeItsRelease { get; }

    public static InstallerVersion? TryParse(string text)
    {
        if (text.Length > 256) return null; // no real version is this long
        Match match;
        try
        {
            match = Pattern.Match(text.Trim());
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (!match.Success) return null;

        var pre = match.Groups["pre"].Success;
        var post = match.Groups["post"].Success;
        var dev = match.Groups["dev"].Success;
        return new InstallerVersion(
            match.Groups["epoch"].Success ? match.Groups["epoch"].Value : "0",
            match.Groups["release"].Value.Split('.'),
            // "X.devN" and "XaN" sort before X; "X.postN.devM" is still after X.
            sortsBeforeItsRelease: pre || (dev && !post));
    }

    /// <summary><c>self &gt;= final</c>, where <paramref name="final"/> is a plain release like "6".</summary>
    public bool AtLeast(string final)
    {
        var order = CompareReleaseTo(final);
        return order > 0 || (order == 0 && !SortsBeforeItsRelease);
    }

    /// <summary>
    /// <c>self &lt; final</c> as packaging's "&lt;" means it: a prerelease of that very release
    /// (6.0rc1 for "&lt;6") is not let in, even though it sorts below.
    /// </summary>
    public bool Below(string final) => CompareReleaseTo(final) < 0;

    /// <summary>Compares epoch and release numerically (trailing zeros ignored) with a plain release.</summary>
    private int CompareReleaseTo(string final)
    {
        var epoch = CompareNumbers(Epoch, "0");
        if (epoch != 0) return epoch;

        var other = final.Split('.');
        for (var i = 0; i < Math.Max(Release.Length, other.Length); i++)
        {
            var order = CompareNumbers(i < Release.Length ? Release[i] : "0", i < other.Length ? other[i] : "0");
            if (order != 0) return order;
        }
        return 0;
    }

    // Digit strings compared as numbers of any size.
    private static int CompareNumbers(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
