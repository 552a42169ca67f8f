using System.Text;

namespace Cheeseshop.Core.Packaging;

/// <summary>A PEP 440 version: parsed, normalized, ordered. Immutable.</summary>
public sealed partial class PackageVersion : IComparable<PackageVersion>, IEquatable<PackageVersion>
{
    public int Epoch { get; }
    /// <summary>The release segment, e.g. [1, 0, 2]; never empty.</summary>
    public IReadOnlyList<long> Release { get; }
    /// <summary>Pre-release: label "a", "b" or "rc" (normalized) and number; null when absent.</summary>
    public (string Label, long Number)? Pre { get; }
    public long? Post { get; }
    public long? Dev { get; }
    /// <summary>Local segment normalized (lower case, '.' separators), null when absent.</summary>
    public string? Local { get; }

    public bool IsPrerelease => Pre is not null || Dev is not null;
    /// <summary>True for a post-release such as 1.0.post1.</summary>
    public bool IsPostrelease => Post is not null;

    private readonly long[] _release;
    // Local segments as normalized strings; numeric ones have no leading zeros, so that
    // equal segments are equal strings (and hashing stays consistent with ordering).
    private readonly string[]? _localSegments;
    private string? _text;

    private PackageVersion(int epoch, long[] release, (string Label, long Number)? pre, long? post, long? dev, string[]? localSegments)
    {
        Epoch = epoch;
        _release = release;
        // A read-only view, so that callers cannot change the version through a cast to long[].
        Release = Array.AsReadOnly(release);
        Pre = pre;
        Post = post;
        Dev = dev;
        _localSegments = localSegments;
        Local = localSegments is null ? null : string.Join('.', localSegments);
    }

    /// <summary>The PEP 440 normalized form, e.g. "1.0rc1.post2.dev3+abc.5".</summary>
    public override string ToString() => _text ??= Format();

    private string Format()
    {
        var sb = new StringBuilder();
        if (Epoch != 0) sb.Append(Epoch).Append('!');
        for (var i = 0; i < _release.Length; i++)
        {
            if (i > 0) sb.Append('.');
            sb.Append(_release[i]);
        }
        if (Pre is { } pre) sb.Append(pre.Label).Append(pre.Number);
        if (Post is { } post) sb.Append(".post").Append(post);
        if (Dev is { } dev) sb.Append(".dev").Append(dev);
        if (Local is not null) sb.Append('+').Append(Local);
        return sb.ToString();
    }

    /// <summary>The version without its local segment.</summary>
    public PackageVersion Public => _localSegments is null ? this : new PackageVersion(Epoch, _release, Pre, Post, Dev, null);

    /// <summary>Epoch and release only, e.g. 1!2.0 for 1!2.0rc1.post3+x.</summary>
    public PackageVersion BaseVersion => new(Epoch, _release, null, null, null, null);

    /// <summary>This version with the given dev number and no local segment (used by the &lt;V specifier rule).</summary>
    internal PackageVersion WithDev(long dev) => new(Epoch, _release, Pre, Post, dev, null);

    public int CompareTo(PackageVersion? other)
    {
        if (other is null) return 1;
        if (ReferenceEquals(this, other)) return 0;
        var c = ComparePublic(this, other);
        return c != 0 ? c : CompareLocal(_localSegments, other._localSegments);
    }

    /// <summary>PEP 440 equality: 1.0 == 1.0.0, trailing zeros ignored.</summary>
    public bool Equals(PackageVersion? other) => other is not null && CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is PackageVersion v && Equals(v);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        // Trailing zeros do not take part in equality, so they must not take part in the hash.
        var length = _release.Length;
        while (length > 0 && _release[length - 1] == 0) length--;
        for (var i = 0; i < length; i++) hash.Add(_release[i]);
        hash.Add(Pre);
        hash.Add(Post);
        hash.Add(Dev);
        hash.Add(Local, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public static bool operator <(PackageVersion a, PackageVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(PackageVersion a, PackageVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(PackageVersion a, PackageVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(PackageVersion a, PackageVersion b) => a.CompareTo(b) >= 0;

    /// <summary>Orders two versions ignoring their local segments.</summary>
    internal static int ComparePublic(PackageVersion a, PackageVersion b)
    {
        var c = a.Epoch.CompareTo(b.Epoch);
        if (c != 0) return c;
        c = CompareRelease(a._release, b._release);
        if (c != 0) return c;
        c = ComparePre(a, b);
        if (c != 0) return c;
        // No post-release sorts before any post-release.
        c = CompareNullable(a.Post, b.Post, nullSortsFirst: true);
        if (c != 0) return c;
        // No dev-release sorts after any dev-release (1.0.dev1 < 1.0).
        return CompareNullable(a.Dev, b.Dev, nullSortsFirst: false);
    }

    /// <summary>Release segments compared as if padded with zeros to the same length.</summary>
    internal static int CompareRelease(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        var n = Math.Max(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var x = i < a.Count ? a[i] : 0;
            var y = i < b.Count ? b[i] : 0;
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }

    // The pre-release phase: a dev-only release (1.0.dev1) sorts before every pre-release of the
    // same release, and a release without a pre-release sorts after all of them.
    private static int ComparePre(PackageVersion a, PackageVersion b)
    {
        var ra = PhaseRank(a);
        var rb = PhaseRank(b);
        if (ra != rb) return ra.CompareTo(rb);
        if (ra != 1) return 0;
        var (la, na) = a.Pre!.Value;
        var (lb, nb) = b.Pre!.Value;
        var c = LabelRank(la).CompareTo(LabelRank(lb));
        return c != 0 ? c : na.CompareTo(nb);
    }

    private static int PhaseRank(PackageVersion v) =>
        v.Pre is not null ? 1 : v.Post is null && v.Dev is not null ? 0 : 2;

    private static int LabelRank(string label) => label switch { "a" => 0, "b" => 1, _ => 2 };

    private static int CompareNullable(long? a, long? b, bool nullSortsFirst)
    {
        if (a is null && b is null) return 0;
        if (a is null) return nullSortsFirst ? -1 : 1;
        if (b is null) return nullSortsFirst ? 1 : -1;
        return a.Value.CompareTo(b.Value);
    }

    // PEP 440 local ordering: no local sorts first; segments compare one by one, numeric segments
    // numerically and above alphanumeric ones, alphanumeric ones lexicographically; when one is a
    // prefix of the other, the longer one sorts after.
    private static int CompareLocal(string[]? a, string[]? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = CompareLocalSegment(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    private static int CompareLocalSegment(string x, string y)
    {
        var xNumeric = IsAllDigits(x);
        var yNumeric = IsAllDigits(y);
        if (xNumeric && yNumeric)
        {
            // Arbitrary length integers without leading zeros: longer is larger.
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
        }
        if (xNumeric != yNumeric) return xNumeric ? 1 : -1;
        return string.CompareOrdinal(x, y);
    }

    private static bool IsAllDigits(string s)
    {
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return s.Length > 0;
    }
}
