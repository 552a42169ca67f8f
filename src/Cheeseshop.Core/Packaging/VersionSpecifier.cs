namespace Cheeseshop.Core.Packaging;

/// <summary>One PEP 440 version specifier ("~=1.4.2", "==1.0.*", "&lt;2", "===foo").</summary>
internal sealed class VersionSpecifier
{
    public string Operator { get; }
    /// <summary>The version text as written (trimmed), including any ".*" suffix.</summary>
    public string VersionText { get; }

    // Null only for "===", whose text may be any string.
    private readonly PackageVersion? _version;
    private readonly bool _wildcard;

    private VersionSpecifier(string op, string versionText, PackageVersion? version, bool wildcard)
    {
        Operator = op;
        VersionText = versionText;
        _version = version;
        _wildcard = wildcard;
        // "===" text may still be a PEP 440 version ("===1.0a1"), which counts too.
        var named = version ?? (PackageVersion.TryParse(versionText, out var v) ? v : null);
        NamesPrerelease = op != "!=" && !wildcard && named?.IsPrerelease == true;
    }

    /// <summary>Whether this specifier lets pre-releases in by naming one ("&gt;=1.0a1"). As in the
    /// packaging library, "!=" and prefix matches never do.</summary>
    public bool NamesPrerelease { get; }

    public override string ToString() => Operator + VersionText;

    private static readonly string[] Operators = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

    public static bool TryParse(string text, out VersionSpecifier? specifier)
    {
        specifier = null;
        var s = text.Trim();
        var op = Operators.FirstOrDefault(o => s.StartsWith(o, StringComparison.Ordinal));
        if (op is null) return false;
        var rest = s[op.Length..].Trim();
        if (rest.Length == 0) return false;

        if (op == "===")
        {
            // Arbitrary equality: any string without whitespace, ';' or ')' (those end a
            // specifier inside a requirement string).
            if (rest.Any(c => char.IsWhiteSpace(c) || c is ';' or ')')) return false;
            specifier = new VersionSpecifier(op, rest, null, false);
            return true;
        }

        if (rest.Any(char.IsWhiteSpace)) return false;

        if (op is "==" or "!=" && rest.EndsWith(".*", StringComparison.Ordinal))
        {
            // Prefix matching: only an epoch and a release may precede ".*".
            if (!PackageVersion.TryParse(rest[..^2], out var prefix)) return false;
            if (prefix!.Pre is not null || prefix.Post is not null || prefix.Dev is not null || prefix.Local is not null) return false;
            specifier = new VersionSpecifier(op, rest, prefix, true);
            return true;
        }

        if (!PackageVersion.TryParse(rest, out var version)) return false;
        // Local versions are only meaningful to == and !=.
        if (version!.Local is not null && op is not ("==" or "!=")) return false;
        // "~=1" would mean ">=1, ==*", which PEP 440 forbids: at least two release segments.
        if (op == "~=" && version.Release.Count < 2) return false;
        specifier = new VersionSpecifier(op, rest, version, false);
        return true;
    }

    /// <summary>Whether <paramref name="candidate"/> satisfies this specifier, pre-release policy aside.</summary>
    public bool Matches(PackageVersion candidate)
    {
        if (Operator == "===")
        {
            // An exact, case-insensitive string comparison against the normalized candidate.
            return string.Equals(candidate.ToString(), VersionText, StringComparison.OrdinalIgnoreCase);
        }

        var spec = _version!;
        switch (Operator)
        {
            case "==": return Equal(candidate, spec);
            case "!=": return !Equal(candidate, spec);
            case "<=": return PackageVersion.ComparePublic(candidate, spec) <= 0;
            case ">=": return candidate.CompareTo(spec) >= 0;
            case "~=":
                // ~=V.N is >=V.N together with ==V.* (suffixes of the spec play no part in the prefix).
                return candidate.CompareTo(spec) >= 0
                    && PrefixMatches(candidate, spec.Epoch, spec.Release.Take(spec.Release.Count - 1).ToArray());
            case "<": return LessThan(candidate, spec);
            case ">": return GreaterThan(candidate, spec);
            default: return false;
        }
    }

    private bool Equal(PackageVersion candidate, PackageVersion spec)
    {
        if (_wildcard) return PrefixMatches(candidate, spec.Epoch, spec.Release);
        // Without a local segment in the specifier, the candidate's local segment is ignored.
        return spec.Local is null
            ? PackageVersion.ComparePublic(candidate, spec) == 0
            : candidate.CompareTo(spec) == 0;
    }

    // ==1.2.* matches every version whose release starts with 1.2 (the candidate padded with zeros,
    // so 1 matches ==1.0.*); its pre/post/dev/local parts do not matter.
    private static bool PrefixMatches(PackageVersion candidate, int epoch, IReadOnlyList<long> prefix)
    {
        if (candidate.Epoch != epoch) return false;
        for (var i = 0; i < prefix.Count; i++)
        {
            var part = i < candidate.Release.Count ? candidate.Release[i] : 0;
            if (part != prefix[i]) return false;
        }
        return true;
    }

    // PEP 440: "<V MUST NOT allow a pre-release of the specified version unless the specified version
    // is itself a pre-release." V.dev0 is the lowest pre-release of V, so compare against that.
    private static bool LessThan(PackageVersion candidate, PackageVersion spec)
    {
        var bound = spec.IsPrerelease ? spec : spec.WithDev(0);
        return candidate.CompareTo(bound) < 0;
    }

    // PEP 440: ">V MUST NOT allow a post-release of the specified version unless the specified
    // version is itself a post-release", nor a local version of V.
    private static bool GreaterThan(PackageVersion candidate, PackageVersion spec)
    {
        if (candidate.CompareTo(spec) <= 0) return false;
        if (PackageVersion.ComparePublic(candidate, spec) == 0) return false;
        if (spec.Post is null && spec.Dev is null && candidate.Post is not null
            && candidate.Epoch == spec.Epoch
            && PackageVersion.CompareRelease(candidate.Release, spec.Release) == 0
            && candidate.Pre == spec.Pre)
        {
            return false;
        }
        return true;
    }
}
