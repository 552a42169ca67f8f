namespace Cheeseshop.Data.Entities;

/// <summary>
/// A file the upstream proxy fetched, verified and keeps in the file store. Proxied files belong to no
/// release and no account: they are never anyone's uploads (disclosures and self-exports read release
/// files only), and the integrity check counts them as referenced.
/// </summary>
public sealed class ProxiedFile
{
    public long Id { get; set; }
    /// <summary>PEP 503 normalized project name the upstream listed it under.</summary>
    public required string Project { get; set; }
    /// <summary>Unique: a filename names one file on an index.</summary>
    public required string Filename { get; set; }
    public required string Sha256 { get; set; }
    /// <summary>Relative path in the file store.</summary>
    public required string Path { get; set; }
    public long Size { get; set; }
    /// <summary>The SHA-256 of its PEP 658 metadata, stored at Path + ".metadata", when the upstream offered it.</summary>
    public string? MetadataSha256 { get; set; }
    public DateTime Fetched { get; set; }
}

/// <summary>A local project whose page also lists the upstream's files (PEP 708 "tracks"): an administrator's
/// choice, one row per project; without a row a local name is served from local files only.</summary>
public sealed class UpstreamMerge
{
    /// <summary>PEP 503 normalized project name.</summary>
    public required string Name { get; set; }
    public required string SetBy { get; set; }
    public DateTime Created { get; set; }
}
