using System.Globalization;
using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// Dates and times as the legal verbs take and print them. Every time is UTC. A date alone means the
/// start of that day; a scope's end date includes that whole day (it is stored as the next midnight,
/// exclusive), because "--to 2026-06-30" means "up to and including 30 June" to the person typing it.
/// </summary>
public static partial class LegalDates
{
    /// <summary>A calendar date, YYYY-MM-DD, as the start of that day in UTC.</summary>
    public static DateTime ParseDate(string? text, string option)
    {
        if (text is not null && DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
            return DateTime.SpecifyKind(date, DateTimeKind.Utc);
        throw new DisclosureInputException($"{option} '{text}' is not a date: write it as YYYY-MM-DD (e.g. 2026-07-31).");
    }

    /// <summary>A date (start of day, UTC) or an ISO 8601 date and time with Z or an offset.</summary>
    public static DateTime ParseInstant(string? text, string option)
    {
        var t = text?.Trim() ?? "";
        if (DateOnlyRegex().IsMatch(t)) return ParseDate(t, option);
        if (TimeRegex().IsMatch(t) && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            return instant.UtcDateTime;
        throw new DisclosureInputException(
            $"{option} '{text}' is not an ISO 8601 time: write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (a zone is required, e.g. 2026-07-31T12:00:00Z).");
    }

    /// <summary>The exclusive end of a scope: a date includes that whole day; a time is the bound itself.</summary>
    public static DateTime ParseScopeEnd(string? text, string option)
    {
        var t = text?.Trim() ?? "";
        return DateOnlyRegex().IsMatch(t) ? ParseDate(t, option).AddDays(1) : ParseInstant(t, option);
    }

    /// <summary>How far a request's due date is, in whole calendar days, as a person reads it.</summary>
    public static string DaysLeft(DateTime due, DateTime today)
    {
        var days = (int)(due.Date - today.Date).TotalDays;
        return days switch { -1 => "1 day overdue", < 0 => $"{-days} days overdue", 0 => "due today", 1 => "1 day left", _ => $"{days} days left" };
    }

    public static string Date(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>To the microsecond (what PostgreSQL keeps), always with Z: one fixed form, so packages are reproducible.</summary>
    public static string Instant(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;
        // Written digit by digit: packages hold hundreds of thousands of times, and a format string is slow.
        Span<char> s = stackalloc char[27];
        Digits(s[..4], utc.Year);
        s[4] = '-';
        Digits(s.Slice(5, 2), utc.Month);
        s[7] = '-';
        Digits(s.Slice(8, 2), utc.Day);
        s[10] = 'T';
        Digits(s.Slice(11, 2), utc.Hour);
        s[13] = ':';
        Digits(s.Slice(14, 2), utc.Minute);
        s[16] = ':';
        Digits(s.Slice(17, 2), utc.Second);
        s[19] = '.';
        Digits(s.Slice(20, 6), (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        s[26] = 'Z';
        return new string(s);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    /// <summary>Seconds precision, for people: "2026-07-31T12:00:00Z".</summary>
    public static string Short(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateOnlyRegex();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimeRegex();
}

/// <summary>A half-year of the transparency report: "2026-H1" is January to June, "2026-H2" July to December.</summary>
public readonly partial record struct HalfYear(int Year, int Half) : IComparable<HalfYear>
{
    public DateTime Start => new(Year, Half == 1 ? 1 : 7, 1, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>Exclusive.</summary>
    public DateTime End => Half == 1 ? new DateTime(Year, 7, 1, 0, 0, 0, DateTimeKind.Utc) : new DateTime(Year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static HalfYear Of(DateTime t) => new(t.Year, t.Month <= 6 ? 1 : 2);

    public static HalfYear Parse(string? text)
    {
        var m = PeriodRegex().Match(text?.Trim() ?? "");
        if (!m.Success || !int.TryParse(m.Groups[1].Value, out var year) || year < 1970)
            throw new DisclosureInputException($"--period '{text}' is not a half-year: write YYYY-H1 (January to June) or YYYY-H2 (July to December), e.g. 2026-H2.");
        return new HalfYear(year, m.Groups[2].Value == "1" ? 1 : 2);
    }

    public int CompareTo(HalfYear other) => Year != other.Year ? Year.CompareTo(other.Year) : Half.CompareTo(other.Half);

    public override string ToString() => $"{Year:D4}-H{Half}";

    [GeneratedRegex(@"^(\d{4})-[Hh]([12])$")]
    private static partial Regex PeriodRegex();
}
