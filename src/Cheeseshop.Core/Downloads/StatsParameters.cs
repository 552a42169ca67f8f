using System.Globalization;

namespace Cheeseshop.Core.Downloads;

/// <summary>A stats request's parameters, checked: the day range, and the category or period asked for.</summary>
public sealed record StatsQuery(DayRange Range, StatsFilter Filter, RecentPeriod? Period);

public enum RecentPeriod
{
    Day,
    Week,
    Month,
}

/// <summary>
/// Reads pypistats' query parameters (start_date, end_date, mirrors, version, os, period, ...).
/// Anything malformed is refused with a message that names the parameter and says what it takes,
/// where pypistats would silently answer with something else. Parameters it does not know are
/// ignored, as pypistats ignores them (scripts add cache-busters).
/// </summary>
public static class StatsParameters
{
    /// <summary>Without start_date, series cover the 180 days pypistats keeps.</summary>
    public const int DefaultDays = 180;

    /// <summary>No series is longer than this: it bounds what one request can make the server read.</summary>
    public const int MaxDays = 3660;

    public static bool TryParse(StatsBreakdown? breakdown, Func<string, IReadOnlyList<string>> query, DateOnly today,
        out StatsQuery? result, out string? error)
    {
        result = null;
        if (!TrySingle(query, "start_date", out var startText, out error) ||
            !TrySingle(query, "end_date", out var endText, out error))
            return false;
        if (!TryDate(startText, "start_date", out var start, out error) ||
            !TryDate(endText, "end_date", out var end, out error))
            return false;

        var last = end ?? today;
        var first = start ?? (end is null ? today.AddDays(-(DefaultDays - 1)) : last.AddDays(-(DefaultDays - 1)));
        if (first > last)
        {
            error = start is not null && end is not null
                ? $"start_date ({Format(first)}) is after end_date ({Format(last)})."
                : $"start_date ({Format(first)}) is after the end of the series ({Format(last)}); give an end_date too.";
            return false;
        }
        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            error = $"The range from {Format(first)} to {Format(last)} is longer than {MaxDays} days; ask for a shorter one.";
            return false;
        }

        var filter = StatsFilter.All;
        RecentPeriod? period = null;
        if (breakdown is null ? !TryPeriod(query, out period, out error) : !TryFilter(breakdown.Value, query, out filter, out error))
            return false;
        result = new StatsQuery(new DayRange(first, last), filter, period);
        error = null;
        return true;
    }

    private static bool TryPeriod(Func<string, IReadOnlyList<string>> query, out RecentPeriod? period, out string? error)
    {
        period = null;
        if (!TrySingle(query, "period", out var p, out error)) return false;
        if (p is null) return true;
        period = p switch
        {
            "day" => RecentPeriod.Day,
            "week" => RecentPeriod.Week,
            "month" => RecentPeriod.Month,
            _ => null,
        };
        if (period is not null) return true;
        error = $"period must be day, week or month, not '{Shorten(p)}'.";
        return false;
    }

    private static bool TryFilter(StatsBreakdown breakdown, Func<string, IReadOnlyList<string>> query, out StatsFilter filter, out string? error)
    {
        filter = StatsFilter.All;
        var name = breakdown.FilterParameter();
        if (!TrySingle(query, name, out var value, out error)) return false;
        if (value is null) return true;
        if (breakdown == StatsBreakdown.Overall)
        {
            filter = value switch
            {
                "true" => StatsFilter.Only(StatsBreakdowns.WithMirrors),
                "false" => StatsFilter.Only(StatsBreakdowns.WithoutMirrors),
                _ => null!,
            };
            if (filter is not null) return true;
            error = $"mirrors must be true or false, not '{Shorten(value)}'.";
            return false;
        }
        if (value.Length > 200)
        {
            error = $"{name} is longer than 200 characters; no category is.";
            return false;
        }
        filter = StatsFilter.Only(value);
        return true;
    }

    public static string Format(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // One value or none; an empty value counts as none (?version= is "no filter", as in a blank form).
    private static bool TrySingle(Func<string, IReadOnlyList<string>> query, string name, out string? value, out string? error)
    {
        var values = query(name);
        value = null;
        error = null;
        if (values.Count > 1)
        {
            error = $"{name} is given {values.Count} times; give it once.";
            return false;
        }
        if (values.Count == 1 && values[0].Length > 0) value = values[0];
        return true;
    }

    private static bool TryDate(string? text, string name, out DateOnly? date, out string? error)
    {
        date = null;
        error = null;
        if (text is null) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            date = d;
            return true;
        }
        error = $"{name} must be a date in the form YYYY-MM-DD (e.g. 2024-01-31), not '{Shorten(text)}'.";
        return false;
    }

    // Echo back enough of a bad value to recognise it, never a whole hostile string.
    private static string Shorten(string s)
    {
        var cut = s.Length > 40 ? s[..40] + "..." : s;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
