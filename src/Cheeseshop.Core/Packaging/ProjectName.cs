using System.Text;

namespace Cheeseshop.Core.Packaging;

/// <summary>Project names: PEP 508 validity and PEP 503 normalization.</summary>
public static class ProjectName
{
    /// <summary>PEP 503: lower-case, runs of '-', '_' and '.' become one '-'.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length);
        var inSeparatorRun = false;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (!inSeparatorRun) sb.Append('-');
                inSeparatorRun = true;
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
                inSeparatorRun = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>True when Normalize would return the name unchanged: checked without allocating,
    /// because the read APIs see normalized names on nearly every request.</summary>
    public static bool IsNormalized(string name) => IsNormalized(name.AsSpan());

    /// <inheritdoc cref="IsNormalized(string)"/>
    public static bool IsNormalized(ReadOnlySpan<char> name)
    {
        var previousDash = false;
        foreach (var c in name)
        {
            if (c is '_' or '.' || char.ToLowerInvariant(c) != c) return false;
            if (c == '-')
            {
                if (previousDash) return false;
                previousDash = true;
            }
            else previousDash = false;
        }
        return true;
    }

    /// <summary>PEP 508 name: ASCII letters/digits, '.', '_', '-' inside; starts and ends alphanumeric.</summary>
    public static bool IsValid(string name)
    {
        // Written out by hand rather than as a case-insensitive regex: .NET's case-insensitive
        // matching would let non-ASCII look-alikes (e.g. the Kelvin sign for 'k') through.
        if (string.IsNullOrEmpty(name)) return false;
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1])) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-')) return false;
        }
        return true;
    }
}
