namespace Cheeseshop.Data.Entities;

// Download statistics (src/Cheeseshop/Downloads). No table here holds a client address: the country
// is looked up in memory while the request is served, and the address is dropped.

/// <summary>
/// One download: when, from which country, which file and which installer. Narrow on purpose: the
/// writer inserts thousands a second, so what repeats (the file's facts, the installer's details)
/// lives once in <see cref="DownloadFile"/> and <see cref="DownloadAgent"/>. Together they are a row of
/// PyPI's <c>file_downloads</c>. Kept for the download_events retention window.
/// </summary>
public sealed class DownloadEventRecord
{
    public long Id { get; set; }
    public DateTime Timestamp { get; set; }
    public string? CountryCode { get; set; }
    public long FileId { get; set; }
    /// <summary>Null when the User-Agent was not recognised (file_downloads.details is null).</summary>
    public long? AgentId { get; set; }
    public string? TlsProtocol { get; set; }
    public string? TlsCipher { get; set; }
}

/// <summary>
/// A file as downloads saw it: file_downloads' url, project and file record. Copied from release_files
/// on its first download and kept, so statistics outlive a removed file. Public facts only.
/// </summary>
public sealed class DownloadFile
{
    public long Id { get; set; }
    public required string Filename { get; set; }
    public required string Url { get; set; }
    /// <summary>PEP 503 normalized name, as file_downloads.project holds it.</summary>
    public required string Project { get; set; }
    /// <summary>The project's id, for legal holds and disclosures (no foreign key: a project may go).</summary>
    public Guid? ProjectId { get; set; }
    public required string Version { get; set; }
    /// <summary>"bdist_wheel", "sdist", ...</summary>
    public required string Type { get; set; }
}

/// <summary>
/// One distinct set of installer details (file_downloads.details), stored once however many
/// downloads share it. It says nothing about who or when: no address, no time of a download.
/// Pruned by the download_events retention once no raw event points at it.
/// </summary>
public sealed class DownloadAgent
{
    public long Id { get; set; }
    /// <summary>
    /// The last day a writer used this row (set at most once a day per writer). Every event pointing here
    /// is from that day or before, so retention can tell from it which rows no event may point at any
    /// more without an index on download_events.agent_id, and never prunes a row a writer still uses.
    /// Whatever writes events must keep that true (EventBuilder does): an event dated after its agent's
    /// last_seen is not looked at, and its agent could be pruned from under it.
    /// </summary>
    public DateOnly LastSeen { get; set; }
    /// <summary>SHA-256 of the details' canonical JSON: the same details always find the same row.</summary>
    public required string DetailsHash { get; set; }
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
    public long? AgentId { get; set; }
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

/// <summary>
/// The stats API's daily series, derived from <see cref="DailyDownloadCount"/> by the rollup: one
/// dimension at a time (Core.Downloads.DailySeries), so an answer reads a few hundred rows. Kept for ever.
/// </summary>
public sealed class DailyDownloadSeries
{
    public long Id { get; set; }
    public DateOnly Date { get; set; }
    public Guid? ProjectId { get; set; }
    /// <summary>"overall" (value: the installer), "python_major", "python_minor", "system", "country" or "version".</summary>
    public required string Breakdown { get; set; }
    public string? Value { get; set; }
    /// <summary>Downloads by a mirror (bandersnatch, z3c.pypimirror, Artifactory, devpi).</summary>
    public bool Mirror { get; set; }
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
