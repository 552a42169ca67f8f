using Cheeseshop.Core.Downloads;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>A project the stats pages can talk about; <see cref="All"/> is pypistats' "__all__".</summary>
public sealed record StatsProject(Guid? Id, string Name)
{
    public const string AllName = "__all__";
    public bool All => Id is null;
}

/// <summary>
/// Reads the precomputed daily series (one dimension each; an index on project, series and date keeps
/// it to a few hundred rows); Core shapes the result.
/// </summary>
public sealed class DownloadStatsQuery(CheeseshopDb db)
{
    public async Task<StatsProject?> FindProjectAsync(string name, CancellationToken ct)
    {
        if (name == StatsProject.AllName) return new StatsProject(null, StatsProject.AllName);
        var normalized = ProjectName.Normalize(name);
        var id = await db.Projects.AsNoTracking().Where(p => p.NormalizedName == normalized).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(ct);
        return id is null ? null : new StatsProject(id, normalized);
    }

    public async Task<IReadOnlyList<StatsRow>> RowsAsync(StatsProject project, StatsBreakdown breakdown, DayRange range, CancellationToken ct)
    {
        var name = DailySeries.Of(breakdown);
        var q = db.DailySeries.AsNoTracking().Where(d => d.Breakdown == name && d.Date >= range.First && d.Date <= range.Last);
        if (project.Id is { } id) q = q.Where(d => d.ProjectId == id);
        // One project's rows are already one per key; the grouping sums projects for __all__.
        var rows = await q.GroupBy(d => new { d.Date, d.Value, d.Mirror })
            .Select(g => new { g.Key.Date, g.Key.Value, g.Key.Mirror, Downloads = g.Sum(x => x.Downloads) })
            .ToListAsync(ct);
        return rows.Select(r => new StatsRow(r.Date, r.Value, r.Mirror, r.Downloads)).ToList();
    }

    public async Task<RecentCounts> RecentAsync(StatsProject project, DateOnly today, CancellationToken ct)
    {
        var month = RecentWindows.EndingBefore(today).Month;
        return StatsSeries.Recent(await RowsAsync(project, StatsBreakdown.Overall, month, ct), today);
    }
}
