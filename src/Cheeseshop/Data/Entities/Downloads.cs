namespace Cheeseshop.Data.Entities;

// Download statistics (src/Cheeseshop/Downloads). No table here holds a client address: the country
// is looked up in memory while the request is served, and the address is dropped.

/// <summary>
/// One download, flattened from PyPI's <c>file_downloads</c> row (file.* and details.* become columns,
/// so the writer can insert without serialising). Kept for the download_events retention window.
/// </summary>
public sealed class DownloadEventRecord
{
    public long Id { get; set; }
    public DateTime Timestamp { get; set; }
    public string? CountryCode { get; set; }
    public required string Url { get; set; }
    /// <summary>PEP 503 normalized name, as file_downloads.project holds it.</summary>
    public required string Project { get; set; }
    /// <summary>The project's id, for legal holds and disclosures; null if the file was gone when the event was written.</summary>
    public Guid? ProjectId { get; set; }
    public required string FileFilename { get; set; }
    public required string FileProject { get; set; }
    public required string FileVersion { get; set; }
    public required string FileType { get; set; }
    public string? InstallerName { get; set; }
    public string? InstallerVersion { get; set; }
    public string? Python { get; set; }
    public string? ImplementationName { get; set; }
    public string? ImplementationVersion { get; set; }
    public string? DistroName { get; set; }
    public string? DistroVersion { get; set; }
    public string? DistroId { get; set; }
    public string? DistroLibcLib { get; set; }
    public string? DistroLibcVersion { get; set; }
    public string? SystemName { get; set; }
    public string? SystemRelease { get; set; }
    public string? Cpu { get; set; }
    public string? OpensslVersion { get; set; }
    public string? SetuptoolsVersion { get; set; }
    public string? RustcVersion { get; set; }
    public bool? Ci { get; set; }
    /// <summary>True when the User-Agent was recognised (file_downloads.details is not null).</summary>
    public bool HasDetails { get; set; }
    public string? TlsProtocol { get; set; }
    public string? TlsCipher { get; set; }
}

/// <summary>One request for /simple/{project}/, as PyPI's <c>simple_requests</c> table; off by default.</summary>
public sealed class SimpleRequestRecord
{
    public long Id { get; set; }
    public DateTime Timestamp { get; set; }
    public string? CountryCode { get; set; }
    public required string Url { get; set; }
    public required string Project { get; set; }
    public Guid? ProjectId { get; set; }
    public string? InstallerName { get; set; }
    public string? InstallerVersion { get; set; }
    public string? Python { get; set; }
    public string? ImplementationName { get; set; }
    public string? ImplementationVersion { get; set; }
    public string? DistroName { get; set; }
    public string? DistroVersion { get; set; }
    public string? DistroId { get; set; }
    public string? DistroLibcLib { get; set; }
    public string? DistroLibcVersion { get; set; }
    public string? SystemName { get; set; }
    public string? SystemRelease { get; set; }
    public string? Cpu { get; set; }
    public string? OpensslVersion { get; set; }
    public string? SetuptoolsVersion { get; set; }
    public string? RustcVersion { get; set; }
    public bool? Ci { get; set; }
    public bool HasDetails { get; set; }
    public string? TlsProtocol { get; set; }
    public string? TlsCipher { get; set; }
}

/// <summary>
/// Downloads of one day counted by what pypistats and our charts break them down by. Holds no
/// personal data (no time finer than a day, no agent string, no address) and is kept for ever.
/// </summary>
public sealed class DailyDownloadCount
{
    public long Id { get; set; }
    public DateOnly Date { get; set; }
    /// <summary>No foreign key: counts outlive a deleted project.</summary>
    public Guid? ProjectId { get; set; }
    public required string Project { get; set; }
    public string? Version { get; set; }
    public string? PackageType { get; set; }
    public string? CountryCode { get; set; }
    public string? Installer { get; set; }
    public string? PythonMajor { get; set; }
    public string? PythonMinor { get; set; }
    public string? System { get; set; }
    public bool? Ci { get; set; }
    public long Downloads { get; set; }
}

/// <summary>The rollup's bookkeeping: one row (id 1).</summary>
public sealed class DownloadRollupState
{
    public int Id { get; set; }
    /// <summary>The first day that is not final yet: the next run rebuilds from here.</summary>
    public DateOnly RecomputeFrom { get; set; }
    public DateTime LastRunAt { get; set; }
}
