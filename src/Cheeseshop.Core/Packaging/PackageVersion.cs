namespace Cheeseshop.Core.Packaging;

/// <summary>A PEP 440 version: parsed, normalized, ordered. Immutable.</summary>
public sealed class PackageVersion : IComparable<PackageVersion>, IEquatable<PackageVersion>
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

    private PackageVersion() => throw new NotImplementedException();

    public static bool TryParse(string text, out PackageVersion? version) => throw new NotImplementedException();
    /// <summary>Throws FormatException with a message naming the text.</summary>
    public static PackageVersion Parse(string text) => throw new NotImplementedException();

    /// <summary>The PEP 440 normalized form, e.g. "1.0rc1.post2.dev3+abc.5".</summary>
    public override string ToString() => throw new NotImplementedException();
    /// <summary>The version without its local segment.</summary>
    public PackageVersion Public => throw new NotImplementedException();

    public int CompareTo(PackageVersion? other) => throw new NotImplementedException();
    /// <summary>PEP 440 equality: 1.0 == 1.0.0, trailing zeros ignored.</summary>
    public bool Equals(PackageVersion? other) => throw new NotImplementedException();
    public override bool Equals(object? obj) => obj is PackageVersion v && Equals(v);
    public override int GetHashCode() => throw new NotImplementedException();
    public static bool operator <(PackageVersion a, PackageVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(PackageVersion a, PackageVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(PackageVersion a, PackageVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(PackageVersion a, PackageVersion b) => a.CompareTo(b) >= 0;
}
