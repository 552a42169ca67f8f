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
    public IAsyncEnumerable<DownloadEvent> EventsAsync(IReadOnlyCollection<Guid> projectIds, DateTime from, DateTime to)
    {
        var ids = projectIds.ToList();
        return DownloadEventMapping.Events(db, from, to, db.DownloadFiles.Where(f => f.ProjectId != null && ids.Contains(f.ProjectId.Value)));
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

/// <summary>Between the stored rows (event, file, agent) and the nested file_downloads shape.</summary>
public static class DownloadEventMapping
{
    /// <summary>Events in [from, to) of the given files (all files when null), oldest first, streamed.</summary>
    public static async IAsyncEnumerable<DownloadEvent> Events(CheeseshopDb db, DateTime since, DateTime until, IQueryable<DownloadFile>? files = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var rows =
            from e in db.DownloadEvents.AsNoTracking()
            join f in files ?? db.DownloadFiles on e.FileId equals f.Id
            from a in db.DownloadAgents.Where(a => a.Id == e.AgentId).DefaultIfEmpty()
            where e.Timestamp >= since && e.Timestamp < until
            orderby e.Timestamp, e.Id
            select new { e, f, a };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            yield return new DownloadEvent(r.e.Timestamp, r.e.CountryCode, r.f.Url, r.f.Project,
                new DownloadedFile(r.f.Filename, r.f.Project, r.f.Version, r.f.Type), Details(r.a), r.e.TlsProtocol, r.e.TlsCipher);
    }

    public static async IAsyncEnumerable<SimpleRequestEvent> SimpleRequests(CheeseshopDb db, DateTime since, DateTime until,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var rows =
            from e in db.SimpleRequests.AsNoTracking()
            from a in db.DownloadAgents.Where(a => a.Id == e.AgentId).DefaultIfEmpty()
            where e.Timestamp >= since && e.Timestamp < until
            orderby e.Timestamp, e.Id
            select new { e, a };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            yield return new SimpleRequestEvent(r.e.Timestamp, r.e.CountryCode, r.e.Url, r.e.Project, Details(r.a), r.e.TlsProtocol, r.e.TlsCipher);
    }

    // A sub-record with every field null is written as null, as linehaul leaves such parts out.
    public static InstallerDetails? Details(DownloadAgent? a)
    {
        if (a is null) return null;
        var libc = a.DistroLibcLib is null && a.DistroLibcVersion is null ? null : new Libc(a.DistroLibcLib, a.DistroLibcVersion);
        return new InstallerDetails(
            a.InstallerName is null && a.InstallerVersion is null ? null : new Installer(a.InstallerName, a.InstallerVersion),
            a.Python,
            a.ImplementationName is null && a.ImplementationVersion is null ? null : new Implementation(a.ImplementationName, a.ImplementationVersion),
            a.DistroName is null && a.DistroVersion is null && a.DistroId is null && libc is null ? null : new Distro(a.DistroName, a.DistroVersion, a.DistroId, libc),
            a.SystemName is null && a.SystemRelease is null ? null : new SystemInfo(a.SystemName, a.SystemRelease),
            a.Cpu, a.OpensslVersion, a.SetuptoolsVersion, a.RustcVersion, a.Ci);
    }
}
