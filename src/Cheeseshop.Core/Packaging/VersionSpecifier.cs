namespace Cheeseshop.Core.Packaging;

/// <summary>A PEP 440 specifier set such as "&gt;=3.8, !=3.9.*" (used for Requires-Python).</summary>
public sealed class SpecifierSet
{
    private SpecifierSet() => throw new NotImplementedException();

    /// <summary>Empty text is the empty set, which contains every version.</summary>
    public static bool TryParse(string text, out SpecifierSet? set) => throw new NotImplementedException();
    public static SpecifierSet Parse(string text) => throw new NotImplementedException();

    /// <summary>PEP 440 rules; pre-releases are accepted only when <paramref name="prereleases"/> is true
    /// or a specifier itself names a pre-release.</summary>
    public bool Contains(PackageVersion version, bool prereleases = false) => throw new NotImplementedException();

    /// <summary>Specifiers joined with ",", as written by the packaging library.</summary>
    public override string ToString() => throw new NotImplementedException();
}
