namespace Cheeseshop.Data.Entities;

public sealed class Project
{
    public Guid Id { get; set; }
    /// <summary>Display name, as first uploaded (updated when an upload differs only in form).</summary>
    public required string Name { get; set; }
    /// <summary>PEP 503 normalized name; unique.</summary>
    public required string NormalizedName { get; set; }
    public DateTime Created { get; set; }
    /// <summary>The highest journal serial that touched this project: drives caching and X-PyPI-Last-Serial.</summary>
    public long LastSerial { get; set; }
    public long TotalSize { get; set; }

    public List<Release> Releases { get; set; } = [];
    public List<Role> Roles { get; set; } = [];
}

public static class RoleNames
{
    public const string Owner = "Owner";
    public const string Maintainer = "Maintainer";
}

public sealed class Role
{
    public long Id { get; set; }
    public Guid ProjectId { get; set; }
    public Project? Project { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required string RoleName { get; set; }
}

public sealed class Release
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Project? Project { get; set; }
    /// <summary>The version string as uploaded.</summary>
    public required string Version { get; set; }
    /// <summary>PEP 440 normalized form: the identity of the release (1.0 and 1.0.0 differ only here... both normalize).</summary>
    public required string CanonicalVersion { get; set; }
    public bool IsPrerelease { get; set; }
    public DateTime Created { get; set; }
    public bool Yanked { get; set; }
    public string? YankedReason { get; set; }
    public Guid? UploaderId { get; set; }

    // Core metadata of the release, from its first upload.
    public string MetadataVersion { get; set; } = "";
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public string? DescriptionContentType { get; set; }
    public string? Author { get; set; }
    public string? AuthorEmail { get; set; }
    public string? Maintainer { get; set; }
    public string? MaintainerEmail { get; set; }
    public string? License { get; set; }
    public string? LicenseExpression { get; set; }
    public string? Keywords { get; set; }
    public string? HomePage { get; set; }
    public string? DownloadUrl { get; set; }
    public string? RequiresPython { get; set; }
    public string? Platform { get; set; }
    /// <summary>The multiple-use fields (Classifier, Requires-Dist, Project-URL, Provides-Extra, Dynamic,
    /// License-File, ...) as a JSON object of field name to string array.</summary>
    public string MultiFieldsJson { get; set; } = "{}";

    public List<ReleaseFile> Files { get; set; } = [];
}

public sealed class ReleaseFile
{
    public Guid Id { get; set; }
    public Guid ReleaseId { get; set; }
    public Release? Release { get; set; }
    public Guid ProjectId { get; set; }
    public required string Filename { get; set; }
    /// <summary>"sdist" or "bdist_wheel".</summary>
    public required string PackageType { get; set; }
    /// <summary>"source" for sdists, the wheel's python tag otherwise (what twine sends as pyversion).</summary>
    public required string PythonVersion { get; set; }
    public string? RequiresPython { get; set; }
    public long Size { get; set; }
    public required string Md5 { get; set; }
    public required string Sha256 { get; set; }
    public required string Blake2b256 { get; set; }
    /// <summary>Relative path in the file store.</summary>
    public required string Path { get; set; }
    public DateTime UploadTime { get; set; }
    public Guid? UploaderId { get; set; }
    public string? UploadedVia { get; set; }
    /// <summary>SHA-256 of the wheel's METADATA served at {url}.metadata (PEP 658); null for sdists.</summary>
    public string? MetadataSha256 { get; set; }
}

/// <summary>Every filename ever stored, kept for ever: a filename once used is never reusable (PyPI's rule).</summary>
public sealed class FilenameRegistration
{
    public required string Filename { get; set; }
    public DateTime Registered { get; set; }
}

/// <summary>The public change log. The id is the serial that mirrors follow. No IP address, ever.</summary>
public sealed class JournalEntry
{
    public long Id { get; set; }
    /// <summary>Project display name at the time.</summary>
    public required string Name { get; set; }
    public string? Version { get; set; }
    public required string Action { get; set; }
    public DateTime SubmittedDate { get; set; }
    public Guid? SubmittedById { get; set; }
}
