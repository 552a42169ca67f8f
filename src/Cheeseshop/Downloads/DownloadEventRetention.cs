using Cheeseshop.Core.Privacy;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>
/// download_events: raw download events and simple-page requests older than the window go. Two
/// exceptions: a project under a legal hold, or one a held user has or had a role on (a disclosure about
/// the user reads its downloads), keeps its events, and a download is kept until its day
/// is final in the daily aggregates (so retention never takes a download out of the counts).
/// Right after, download_agents rows no raw event points at any more go too: an installer description
/// of its own (an unusual distro, a rare CPU) outlives its downloads only as long as they are kept.
/// download_files stay: public facts about files of the index, kept so statistics outlive a removed file.
/// The count returned includes the agent rows.
/// </summary>
public sealed class DownloadEventRetention(TimeProvider clock) : IRetentionTask
{
    public string Key => RetentionPolicy.DownloadEvents;

    /// <summary>The real day, whatever --as-of says: what the writers go by.</summary>
    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

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
            ? await events.CountAsync(ct) + await simple.CountAsync(ct) + await UnusedAgents(c, cutoff, Today()).CountAsync(ct)
            : await events.ExecuteDeleteAsync(ct) + await simple.ExecuteDeleteAsync(ct) + await UnusedAgents(c, cutoff, Today()).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Agents last used before the window that no raw event (download or simple request) points at. A
    /// writer marks an agent's last_seen on every day it uses it, so every event pointing at an agent
    /// is from its last_seen day or before: only events up to then need looking at, a short stretch of
    /// the time index (after the delete above, only held or not yet aggregated ones are left there), and
    /// download_events needs no index on agent_id. The bound also stays two days behind the real clock,
    /// whatever --as-of says: a writer trusts an agent it has confirmed today, so no row seen today or
    /// yesterday may go. In a dry run the events counted above are still there, so fewer agents count.
    /// </summary>
    private static IQueryable<Data.Entities.DownloadAgent> UnusedAgents(RetentionContext c, DateTime cutoff, DateOnly today)
    {
        var byWindow = DateOnly.FromDateTime(cutoff);
        var byWriters = today.AddDays(-2);
        var lastSeenBefore = byWindow < byWriters ? byWindow : byWriters;
        // Events are from their agent's last_seen day or before; a day more for clocks that disagree.
        var until = lastSeenBefore.AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var downloads = c.Db.DownloadEvents.Where(e => e.Timestamp < until && e.AgentId != null).Select(e => e.AgentId!.Value);
        var simple = c.Db.SimpleRequests.Where(e => e.Timestamp < until && e.AgentId != null).Select(e => e.AgentId!.Value);
        return c.Db.DownloadAgents.Where(a => a.LastSeen < lastSeenBefore && !downloads.Contains(a.Id) && !simple.Contains(a.Id));
    }
}
