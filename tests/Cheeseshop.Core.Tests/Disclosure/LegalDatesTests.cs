using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class LegalDatesTests
{
    [Fact]
    public void Dates_and_times_are_UTC_and_a_scope_end_date_includes_the_whole_day()
    {
        Assert.Equal(new DateTime(2026, 7, 31, 0, 0, 0, DateTimeKind.Utc), LegalDates.ParseDate("2026-07-31", "--received"));
        Assert.Equal(new DateTime(2026, 7, 31, 10, 0, 0, DateTimeKind.Utc), LegalDates.ParseInstant("2026-07-31T12:00:00+02:00", "--as-of"));
        Assert.Equal(DateTimeKind.Utc, LegalDates.ParseInstant("2026-07-31T12:00:00Z", "--as-of").Kind);
        Assert.Equal(new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc), LegalDates.ParseScopeEnd("2026-07-31", "--to"));
        Assert.Equal(new DateTime(2026, 7, 31, 9, 30, 0, DateTimeKind.Utc), LegalDates.ParseScopeEnd("2026-07-31T09:30:00Z", "--to"));
    }

    [Theory]
    [InlineData("31/07/2026")]
    [InlineData("2026-02-30")]
    [InlineData("tomorrow")]
    [InlineData("")]
    public void A_bad_date_names_its_option(string text) =>
        Assert.StartsWith("--due '", Assert.Throws<DisclosureInputException>(() => LegalDates.ParseDate(text, "--due")).Message);

    [Theory]
    [InlineData("2026-07-31", "2026-07-31T23:59:00", "due today")]
    [InlineData("2026-08-01", "2026-07-31T23:59:00", "1 day left")]
    [InlineData("2026-08-10", "2026-07-31T00:00:00", "10 days left")]
    [InlineData("2026-07-30", "2026-07-31T00:00:01", "1 day overdue")]
    [InlineData("2026-07-01", "2026-07-31T12:00:00", "30 days overdue")]
    public void The_days_left_count_calendar_days(string due, string today, string expected) =>
        Assert.Equal(expected, LegalDates.DaysLeft(DateTime.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            DateTime.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_time_without_a_zone_is_refused() =>
        Assert.Contains("a zone is required", Assert.Throws<DisclosureInputException>(() => LegalDates.ParseInstant("2026-07-31T12:00:00", "--as-of")).Message);

    [Fact]
    public void Instants_are_written_to_the_microsecond()
    {
        var t = new DateTime(2026, 7, 31, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        Assert.Equal("2026-07-31T12:00:00.123456Z", LegalDates.Instant(t));
        Assert.Equal("2026-07-31T12:00:00Z", LegalDates.Short(t));
    }

    [Fact]
    public void Half_years_parse_compare_and_bound()
    {
        var h2 = HalfYear.Parse("2026-H2");
        Assert.Equal(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), h2.Start);
        Assert.Equal(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), h2.End);
        Assert.Equal("2026-H1", HalfYear.Of(new DateTime(2026, 6, 30, 23, 59, 59, DateTimeKind.Utc)).ToString());
        Assert.True(HalfYear.Parse("2027-h1").CompareTo(h2) > 0);
        Assert.Throws<DisclosureInputException>(() => HalfYear.Parse("2026-Q3"));
    }
}
