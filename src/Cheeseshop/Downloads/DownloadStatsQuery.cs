using Cheeseshop.Core.Downloads;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>A project the stats pages can talk about; <see cref="All"/> is pypistats' "__all__".</summary>
public sealed record StatsProject(Guid? Id, string Name)
{
    public const string AllName = "__all__";
    public bool All => Id is null;
}

/// <summary>
/// Reads the daily aggregates grouped by day, installer and one dimension. The database does the
/// summing (an index on project and date keeps it to the project's rows); Core shapes the result.
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
        var q = db.DailyDownloads.AsNoTracking().Where(d => d.Date >= range.First && d.Date <= range.Last);
        if (project.Id is { } id) q = q.Where(d => d.ProjectId == id);
        var grouped = breakdown switch
        {
            StatsBreakdown.Overall or StatsBreakdown.Installer => q.GroupBy(d => new { d.Date, d.Installer, Value = (string?)null }),
            StatsBreakdown.PythonMajor => q.GroupBy(d => new { d.Date, d.Installer, Value = d.PythonMajor }),
            StatsBreakdown.PythonMinor => q.GroupBy(d => new { d.Date, d.Installer, Value = d.PythonMinor }),
            StatsBreakdown.System => q.GroupBy(d => new { d.Date, d.Installer, Value = d.System }),
            StatsBreakdown.Country => q.GroupBy(d => new { d.Date, d.Installer, Value = d.CountryCode }),
            StatsBreakdown.Version => q.GroupBy(d => new { d.Date, d.Installer, Value = d.Version }),
            _ => throw new ArgumentOutOfRangeException(nameof(breakdown)),
        };
        var rows = await grouped.Select(g => new { g.Key.Date, g.Key.Installer, g.Key.Value, Downloads = g.Sum(x => x.Downloads) }).ToListAsync(ct);
        return rows.Select(r => new StatsRow(r.Date, r.Installer, r.Value, r.Downloads)).ToList();
    }

    public async Task<RecentCounts> RecentAsync(StatsProject project, DateOnly today, CancellationToken ct)
    {
        var month = RecentWindows.EndingBefore(today).Month;
        return StatsSeries.Recent(await RowsAsync(project, StatsBreakdown.Overall, month, ct), today);
    }
}
