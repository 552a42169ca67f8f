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
    /// <summary>
    /// Parses a wheel or sdist filename. For sdists the name/version split is ambiguous in legacy
    /// names ("foo-bar-1.0.tar.gz"), so <paramref name="projectName"/> (any form) is used to split it
    /// when given; without it the split is at the last '-'. Returns false with a message a person
    /// understands in <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(string filename, string? projectName, out DistributionFilename? result, out string? error)
        => throw new NotImplementedException();
}
