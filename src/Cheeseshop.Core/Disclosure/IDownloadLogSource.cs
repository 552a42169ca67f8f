namespace Cheeseshop.Core.Disclosure;

/// <summary>One download as the download-logs category discloses it. There is no client address: none is ever stored.</summary>
public sealed record DownloadLogRecord(
    DateTime Time, string? CountryCode, string Project, string Filename, string? Version, string? FileType,
    string? InstallerName, string? InstallerVersion);

/// <summary>
/// Where the download-logs category reads from: the download statistics' event store when the instance
/// keeps one. Implementations stream (memory must not grow with the number of downloads) and return
/// records ordered by time, then by whatever makes the order total, so packages are reproducible.
/// </summary>
public interface IDownloadLogSource
{
    /// <summary>False when this instance keeps no download records at all; the category then makes its statement alone.</summary>
    bool KeepsRecords { get; }

    /// <summary>The downloads of any of <paramref name="projectIds"/> with start &lt;= time &lt; end (either bound may be absent).</summary>
    IAsyncEnumerable<DownloadLogRecord> ReadAsync(IReadOnlyCollection<Guid> projectIds, DateTime? start, DateTime? end, CancellationToken ct);
}

/// <summary>Used when no download store is registered: "no download records are kept by this instance".</summary>
public sealed class NoDownloadLogSource : IDownloadLogSource
{
    public static NoDownloadLogSource Instance { get; } = new();

    public bool KeepsRecords => false;

    public IAsyncEnumerable<DownloadLogRecord> ReadAsync(IReadOnlyCollection<Guid> projectIds, DateTime? start, DateTime? end, CancellationToken ct) =>
        AsyncEnumerable.Empty<DownloadLogRecord>();
}
