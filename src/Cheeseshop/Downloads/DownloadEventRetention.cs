using Cheeseshop.Core.Privacy;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>
/// download_events: raw download events and simple-page requests older than the window go. Two
/// exceptions: a project under a legal hold, or one a held user has or had a role on (a disclosure about
/// the user reads its downloads), keeps its events, and a download is kept until its day
/// is final in the daily aggregates (so retention never takes a download out of the counts).
/// download_files and download_agents stay: they hold public file facts and installer descriptions
/// that, once their events are gone, say nothing about any download or anyone.
/// </summary>
public sealed class DownloadEventRetention : IRetentionTask
{
    public string Key => RetentionPolicy.DownloadEvents;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.AllProjects.ToList();
        var final = await c.Db.DownloadRollupState.AsNoTracking().Where(s => s.Id == 1).Select(s => (DateOnly?)s.RecomputeFrom).FirstOrDefaultAsync(ct);
        var aggregatedBefore = final is { } day ? day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DateTime.MinValue;
        var before = cutoff < aggregatedBefore ? cutoff : aggregatedBefore;

        var events = c.Db.DownloadEvents.Where(e => e.Timestamp < before
            && !c.Db.DownloadFiles.Any(f => f.Id == e.FileId && f.ProjectId != null && held.Contains(f.ProjectId.Value)));
        var simple = c.Db.SimpleRequests.Where(e => e.Timestamp < cutoff && (e.ProjectId == null || !held.Contains(e.ProjectId.Value)));
        return c.DryRun
            ? await events.CountAsync(ct) + await simple.CountAsync(ct)
            : await events.ExecuteDeleteAsync(ct) + await simple.ExecuteDeleteAsync(ct);
    }
}
