namespace Cheeseshop.Core.Downloads;

/// <summary>
/// A count read from a daily series: one day, one value of the breakdown's dimension (the installer
/// for overall and installer; the Python version, system, country or version otherwise), and whether
/// the downloads came from mirrors.
/// </summary>
public readonly record struct StatsRow(DateOnly Date, string? Value, bool Mirror, long Downloads);

/// <summary>One point of a pypistats time series.</summary>
public readonly record struct CategoryCount(string Category, DateOnly Date, long Downloads);

/// <summary>
/// Turns grouped aggregate rows into pypistats' time series: category names, the mirror rule,
/// the optional one-category filter, and pypistats' order (by category, then date).
/// </summary>
public static class StatsSeries
{
    public static IReadOnlyList<CategoryCount> Build(StatsBreakdown breakdown, IEnumerable<StatsRow> rows, StatsFilter filter)
    {
        var sums = new Dictionary<(string Category, DateOnly Date), long>();
        void Add(string category, DateOnly date, long n)
        {
            if (!filter.Accepts(category)) return;
            sums[(category, date)] = sums.GetValueOrDefault((category, date)) + n;
        }

        foreach (var row in rows)
        {
            if (row.Downloads <= 0) continue;
            switch (breakdown)
            {
                case StatsBreakdown.Overall:
                    Add(StatsBreakdowns.WithMirrors, row.Date, row.Downloads);
                    if (!row.Mirror) Add(StatsBreakdowns.WithoutMirrors, row.Date, row.Downloads);
                    break;
                case StatsBreakdown.Installer:
                    Add(row.Value ?? StatsBreakdowns.Null, row.Date, row.Downloads);
                    break;
                case StatsBreakdown.System:
                    if (!row.Mirror) Add(StatsBreakdowns.SystemCategory(row.Value), row.Date, row.Downloads);
                    break;
                default:
                    if (!row.Mirror) Add(row.Value ?? StatsBreakdowns.Null, row.Date, row.Downloads);
                    break;
            }
        }
        return sums
            .Select(kv => new CategoryCount(kv.Key.Category, kv.Key.Date, kv.Value))
            .OrderBy(c => c.Category, StringComparer.Ordinal)
            .ThenBy(c => c.Date)
            .ToList();
    }

    /// <summary>pypistats' recent counts (mirrors left out) for the windows ending yesterday.</summary>
    public static RecentCounts Recent(IEnumerable<StatsRow> rows, DateOnly today)
    {
        var windows = RecentWindows.EndingBefore(today);
        long day = 0, week = 0, month = 0;
        foreach (var row in rows)
        {
            if (row.Mirror) continue;
            if (windows.Day.Contains(row.Date)) day += row.Downloads;
            if (windows.Week.Contains(row.Date)) week += row.Downloads;
            if (windows.Month.Contains(row.Date)) month += row.Downloads;
        }
        return new RecentCounts(day, week, month);
    }
}

public readonly record struct RecentCounts(long LastDay, long LastWeek, long LastMonth);

/// <summary>An inclusive range of days.</summary>
public readonly record struct DayRange(DateOnly First, DateOnly Last)
{
    public bool Contains(DateOnly d) => d >= First && d <= Last;

    public int Days => Last.DayNumber - First.DayNumber + 1;

    public IEnumerable<DateOnly> Each()
    {
        for (var d = First; d <= Last; d = d.AddDays(1)) yield return d;
    }
}

/// <summary>
/// pypistats' recent periods: complete days only, ending with yesterday. "day" is yesterday,
/// "week" the seven days up to it, "month" the thirty days up to it.
/// </summary>
public readonly record struct RecentWindows(DayRange Day, DayRange Week, DayRange Month)
{
    public static RecentWindows EndingBefore(DateOnly today)
    {
        var last = today.AddDays(-1);
        return new RecentWindows(new DayRange(last, last), new DayRange(last.AddDays(-6), last), new DayRange(last.AddDays(-29), last));
    }
}
