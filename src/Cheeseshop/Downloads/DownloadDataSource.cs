using Cheeseshop.Core.Downloads;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>
/// What download statistics hold about a set of projects, for the disclosure report's "download-logs"
/// category: raw events (within the retention window) and daily aggregates, streamed so a large
/// project does not have to fit in memory. Neither holds an IP address; <see cref="Statement"/> says so.
/// </summary>
public sealed class DownloadDataSource(CheeseshopDb db)
{
    public const string Statement =
        "Download logs hold no IP addresses: the address of a download is used in memory to find its country and is then discarded. " +
        "Raw download events (time, country, file, installer details) are kept for the download_events retention window; " +
        "daily counts by project, version, package type, country, installer, Python version, system and CI flag are kept indefinitely.";

    /// <summary>Raw download events of these projects in [from, to), oldest first.</summary>
    public async IAsyncEnumerable<DownloadEvent> EventsAsync(IReadOnlyCollection<Guid> projectIds, DateTime from, DateTime to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var ids = projectIds.ToList();
        var rows = db.DownloadEvents.AsNoTracking()
            .Where(e => e.ProjectId != null && ids.Contains(e.ProjectId.Value) && e.Timestamp >= from && e.Timestamp < to)
            .OrderBy(e => e.Timestamp).ThenBy(e => e.Id)
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct)) yield return DownloadEventMapping.ToEvent(row);
    }

    /// <summary>Daily aggregates of these projects for the days in [from, to].</summary>
    public IAsyncEnumerable<DailyDownloadCount> DailyAsync(IReadOnlyCollection<Guid> projectIds, DateOnly from, DateOnly to)
    {
        var ids = projectIds.ToList();
        return db.DailyDownloads.AsNoTracking()
            .Where(d => d.ProjectId != null && ids.Contains(d.ProjectId.Value) && d.Date >= from && d.Date <= to)
            .OrderBy(d => d.Date).ThenBy(d => d.Id)
            .AsAsyncEnumerable();
    }
}

/// <summary>Between the flat stored row and the nested file_downloads shape.</summary>
public static class DownloadEventMapping
{
    public static DownloadEvent ToEvent(DownloadEventRecord r) => new(
        r.Timestamp,
        r.CountryCode,
        r.Url,
        r.Project,
        new DownloadedFile(r.FileFilename, r.FileProject, r.FileVersion, r.FileType),
        Details(r.HasDetails, r.InstallerName, r.InstallerVersion, r.Python, r.ImplementationName, r.ImplementationVersion,
            r.DistroName, r.DistroVersion, r.DistroId, r.DistroLibcLib, r.DistroLibcVersion, r.SystemName, r.SystemRelease,
            r.Cpu, r.OpensslVersion, r.SetuptoolsVersion, r.RustcVersion, r.Ci),
        r.TlsProtocol,
        r.TlsCipher);

    public static SimpleRequestEvent ToEvent(SimpleRequestRecord r) => new(
        r.Timestamp,
        r.CountryCode,
        r.Url,
        r.Project,
        Details(r.HasDetails, r.InstallerName, r.InstallerVersion, r.Python, r.ImplementationName, r.ImplementationVersion,
            r.DistroName, r.DistroVersion, r.DistroId, r.DistroLibcLib, r.DistroLibcVersion, r.SystemName, r.SystemRelease,
            r.Cpu, r.OpensslVersion, r.SetuptoolsVersion, r.RustcVersion, r.Ci),
        r.TlsProtocol,
        r.TlsCipher);

    // A sub-record with every field null is written as null, as linehaul leaves such parts out.
    private static InstallerDetails? Details(bool has, string? installerName, string? installerVersion, string? python,
        string? implName, string? implVersion, string? distroName, string? distroVersion, string? distroId, string? libcLib,
        string? libcVersion, string? systemName, string? systemRelease, string? cpu, string? openssl, string? setuptools,
        string? rustc, bool? ci)
    {
        if (!has) return null;
        var libc = libcLib is null && libcVersion is null ? null : new Libc(libcLib, libcVersion);
        return new InstallerDetails(
            installerName is null && installerVersion is null ? null : new Installer(installerName, installerVersion),
            python,
            implName is null && implVersion is null ? null : new Implementation(implName, implVersion),
            distroName is null && distroVersion is null && distroId is null && libc is null ? null : new Distro(distroName, distroVersion, distroId, libc),
            systemName is null && systemRelease is null ? null : new SystemInfo(systemName, systemRelease),
            cpu, openssl, setuptools, rustc, ci);
    }
}
