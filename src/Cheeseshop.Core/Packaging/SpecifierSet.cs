namespace Cheeseshop.Core.Packaging;

/// <summary>A PEP 440 specifier set such as "&gt;=3.8, !=3.9.*" (used for Requires-Python).</summary>
public sealed class SpecifierSet
{
    private readonly IReadOnlyList<VersionSpecifier> _specifiers;

    private SpecifierSet(IReadOnlyList<VersionSpecifier> specifiers) => _specifiers = specifiers;

    /// <summary>The individual specifiers, in the order written (e.g. ["&gt;=3.8", "!=3.9.*"]).</summary>
    public IReadOnlyList<string> Specifiers => _specifiers.Select(s => s.ToString()).ToList();

    /// <summary>Empty text is the empty set, which contains every version (pre-releases, as for any set,
    /// only when allowed). Invalid text gives false.</summary>
    public static bool TryParse(string text, out SpecifierSet? set)
    {
        set = null;
        if (text is null) return false;
        var specifiers = new List<VersionSpecifier>();
        // Like the packaging library, empty pieces between commas are skipped (">=1,,<2" is fine).
        foreach (var piece in text.Split(','))
        {
            var trimmed = piece.Trim();
            if (trimmed.Length == 0) continue;
            if (!VersionSpecifier.TryParse(trimmed, out var specifier)) return false;
            specifiers.Add(specifier!);
        }
        set = new SpecifierSet(specifiers);
        return true;
    }

    public static SpecifierSet Parse(string text) =>
        TryParse(text, out var set) ? set! : throw new FormatException($"'{text}' is not a valid PEP 440 version specifier set.");

    /// <summary>PEP 440 rules; pre-releases are accepted only when <paramref name="prereleases"/> is true
    /// or a specifier itself names a pre-release.</summary>
    public bool Contains(PackageVersion version, bool prereleases = false)
    {
        ArgumentNullException.ThrowIfNull(version);
        // PEP 440: pre-releases are excluded by default, unless a specifier in the set names one
        // (">=1.0b1" lets 1.0b2 in); the packaging library decides this for the whole set.
        if (version.IsPrerelease && !prereleases && !_specifiers.Any(s => s.NamesPrerelease)) return false;
        foreach (var specifier in _specifiers)
        {
            if (!specifier.Matches(version)) return false;
        }
        return true;
    }

    /// <summary>Specifiers joined with ",", as written by the packaging library.</summary>
    public override string ToString() =>
        // packaging's SpecifierSet.__str__ sorts its (de-duplicated) specifiers.
        string.Join(',', _specifiers.Select(s => s.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
