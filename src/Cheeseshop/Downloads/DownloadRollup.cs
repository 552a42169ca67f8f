using System.Diagnostics;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

public sealed record RollupReport(DayRange? Days, long Events, long Rows, DateOnly NextFrom, TimeSpan Took);

/// <summary>
/// Builds the daily aggregates from raw events. Each open day is rebuilt whole in its own transaction
/// (delete its rows, count its events, insert), so a run is idempotent and a crash leaves every day
/// either old or new. See <see cref="RollupPlan"/> for which days are open. Counting happens here, in
/// memory, with Core's <see cref="DailyKey"/>, so the Python buckets are the unit-tested ones.
/// </summary>
public sealed class DownloadRollup(CheeseshopDb db, CheeseshopOptions options, TimeProvider clock, Metrics.CheeseshopMetrics metrics, ILogger<DownloadRollup> log)
{
    public async Task<RollupReport> RunAsync(DateTime asOf, DateOnly? from, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var state = await db.DownloadRollupState.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        DateOnly? earliest = null;
        if (state is null && await db.DownloadEvents.AnyAsync(ct))
            earliest = DateOnly.FromDateTime(await db.DownloadEvents.MinAsync(e => e.Timestamp, ct));
        var plan = RollupPlan.Make(state?.RecomputeFrom, earliest, asOf, from, IntactFrom(options, asOf));

        long events = 0, rows = 0;
        if (plan.Days is { } days)
        {
            await using (await db.WithLargeCacheAsync(ct))
            {
                foreach (var day in days.Each())
                {
                    var (e, r) = await RebuildDayAsync(day, ct);
                    events += e;
                    rows += r;
                }
            }
        }

        var tracked = await db.DownloadRollupState.FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (tracked is null) db.DownloadRollupState.Add(tracked = new DownloadRollupState { Id = 1 });
        // Another node may have moved it on meanwhile: never move it back.
        if (tracked.RecomputeFrom < plan.NextFrom) tracked.RecomputeFrom = plan.NextFrom;
        tracked.LastRunAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var report = new RollupReport(plan.Days, events, rows, tracked.RecomputeFrom, started.Elapsed);
        metrics.RollupRan(events);
        log.LogInformation("Download rollup as of {AsOf:u}: {Days}, {Events} events into {Rows} daily rows in {Seconds:F1} s; next run starts at {Next}",
            asOf, plan.Days is { } d ? $"{StatsParameters.Format(d.First)}..{StatsParameters.Format(d.Last)}" : "nothing to do",
            events, rows, report.Took.TotalSeconds, StatsParameters.Format(report.NextFrom));
        return report;
    }

    /// <summary>The first day retention cannot have thinned out yet (raw events of older days may be gone).</summary>
    internal static DateOnly IntactFrom(CheeseshopOptions options, DateTime asOf)
    {
        var days = RetentionPolicy.Configure(options.Retention).Single(r => r.Key == RetentionPolicy.DownloadEvents).Days;
        return days is { } d ? DateOnly.FromDateTime(asOf.AddDays(-d)).AddDays(1) : DateOnly.MinValue;
    }

    private async Task<(long Events, long Rows)> RebuildDayAsync(DateOnly day, CancellationToken ct)
    {
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = start.AddDays(1);
        // Rollups of several nodes take turns.
        await using var tx = await db.BeginWriteAsync(WriteLock.DownloadRollup, ct);
        await db.DailyDownloads.Where(d => d.Date == day).ExecuteDeleteAsync(ct);
        await db.DailySeries.Where(d => d.Date == day).ExecuteDeleteAsync(ct);

        // Count by (file, agent, country) first: a day's millions of events come down to a few
        // thousand combinations, which are then expanded with the file's and the agent's facts.
        var byIds = new Dictionary<(long File, long? Agent, string? Country), long>();
        var events = db.DownloadEvents.AsNoTracking()
            .Where(e => e.Timestamp >= start && e.Timestamp < end)
            .Select(e => new { e.FileId, e.AgentId, e.CountryCode })
            .AsAsyncEnumerable();
        await foreach (var e in events.WithCancellation(ct))
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byIds, (e.FileId, e.AgentId, e.CountryCode), out _)++;

        var fileIds = byIds.Keys.Select(k => k.File).Distinct().ToList();
        var agentIds = byIds.Keys.Where(k => k.Agent is not null).Select(k => k.Agent!.Value).Distinct().ToList();
        var files = new Dictionary<long, DownloadFile>();
        foreach (var chunk in fileIds.Chunk(1000))
            foreach (var f in await db.DownloadFiles.AsNoTracking().Where(f => chunk.Contains(f.Id)).ToListAsync(ct)) files[f.Id] = f;
        var agents = new Dictionary<long, DownloadAgent>();
        foreach (var chunk in agentIds.Chunk(1000))
            foreach (var a in await db.DownloadAgents.AsNoTracking().Where(a => chunk.Contains(a.Id)).ToListAsync(ct)) agents[a.Id] = a;

        var counts = new DailyAggregator();
        foreach (var ((fileId, agentId, country), n) in byIds)
        {
            var f = files[fileId];
            var a = agentId is { } id ? agents[id] : null;
            counts.Add(DailyKey.Of(day, f.ProjectId, f.Project, f.Version, f.Type, country, a?.InstallerName, a?.Python, a?.SystemName, a?.Ci), n);
        }

        var rows = counts.Counts.Select(kv => new DailyDownloadCount
        {
            Date = kv.Key.Date,
            ProjectId = kv.Key.ProjectId,
            Project = kv.Key.Project,
            Version = kv.Key.Version,
            PackageType = kv.Key.PackageType,
            CountryCode = kv.Key.CountryCode,
            Installer = kv.Key.Installer,
            PythonMajor = kv.Key.PythonMajor,
            PythonMinor = kv.Key.PythonMinor,
            System = kv.Key.System,
            Ci = kv.Key.Ci,
            Downloads = kv.Value,
        }).ToList();
        await db.BulkInsertAsync(rows, ct);
        // Series rows go in the order of their (project, series, date) index, so its pages fill one after another.
        var series = DailySeries.From(counts.Counts).OrderBy(kv => kv.Key.ProjectId?.ToString("D").ToUpperInvariant(), StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Breakdown, StringComparer.Ordinal).Select(kv => new DailyDownloadSeries
        {
            Date = kv.Key.Date, ProjectId = kv.Key.ProjectId, Breakdown = kv.Key.Breakdown, Value = kv.Key.Value, Mirror = kv.Key.Mirror, Downloads = kv.Value,
        }).ToList();
        await db.BulkInsertAsync(series, ct);
        await tx.CommitAsync(ct);
        return (counts.Events, rows.Count);
    }
}
