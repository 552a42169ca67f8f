using System.Runtime.CompilerServices;
using Cheeseshop.Downloads;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// The download-logs category's records: the download statistics' raw events (download_events, with
/// the file and installer they point at), which hold no client address at all. They exist only while
/// download recording is on (Downloads:Enabled) and for the download_events retention window.
/// </summary>
public sealed class DownloadEventLogSource(CheeseshopDb db, DownloadsOptions downloads) : IDownloadLogSource
{
    public bool KeepsRecords => downloads.Enabled;

    public async IAsyncEnumerable<DownloadLogRecord> ReadAsync(IReadOnlyCollection<Guid> projectIds, DateTime? start, DateTime? end,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var projects = projectIds.ToList();
        // The files first (indexed by project), then their events by time: the events carry only a time index.
        var files = await db.DownloadFiles.AsNoTracking().Where(f => f.ProjectId != null && projects.Contains(f.ProjectId.Value))
            .Select(f => f.Id).ToListAsync(ct);
        if (files.Count == 0) yield break;
        var since = start ?? DateTime.MinValue.AddYears(1);
        var until = end ?? DateTime.MaxValue.AddYears(-1);
        var rows = from e in db.DownloadEvents.AsNoTracking()
                   where files.Contains(e.FileId) && e.Timestamp >= since && e.Timestamp < until
                   join f in db.DownloadFiles on e.FileId equals f.Id
                   join a in db.DownloadAgents on e.AgentId equals (long?)a.Id into agents
                   from a in agents.DefaultIfEmpty()
                   orderby e.Timestamp, e.Id
                   select new DownloadLogRecord(e.Timestamp, e.CountryCode, f.Project, f.Filename, f.Version, f.Type,
                       a == null ? null : a.InstallerName, a == null ? null : a.InstallerVersion);
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct)) yield return row;
    }
}
