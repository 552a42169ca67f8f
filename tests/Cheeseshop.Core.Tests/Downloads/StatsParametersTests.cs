using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

public class StatsParametersTests
{
    private static readonly DateOnly Today = new(2026, 6, 15);

    private static (StatsQuery? Query, string? Error) Parse(StatsBreakdown? breakdown, params (string Name, string Value)[] query)
    {
        StatsParameters.TryParse(breakdown, name => query.Where(q => q.Name == name).Select(q => q.Value).ToList(), Today, out var result, out var error);
        return (result, error);
    }

    [Fact]
    public void Without_dates_a_series_covers_the_180_days_pypistats_keeps()
    {
        var (q, error) = Parse(StatsBreakdown.Overall);
        Assert.Null(error);
        Assert.Equal(new DayRange(Today.AddDays(-179), Today), q!.Range);
        Assert.Equal(180, q.Range.Days);
        Assert.True(q.Filter.IsAll);
    }

    [Fact]
    public void Dates_bound_the_series_inclusively()
    {
        var (q, _) = Parse(StatsBreakdown.Overall, ("start_date", "2026-01-01"), ("end_date", "2026-01-31"));
        Assert.Equal(new DayRange(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31)), q!.Range);
        var (onlyEnd, _) = Parse(StatsBreakdown.Overall, ("end_date", "2026-01-31"));
        Assert.Equal(new DateOnly(2026, 1, 31).AddDays(-179), onlyEnd!.Range.First);
    }

    [Theory]
    [InlineData("start_date", "2026-02-30", "start_date must be a date in the form YYYY-MM-DD (e.g. 2024-01-31), not '2026-02-30'.")]
    [InlineData("end_date", "15/06/2026", "end_date must be a date in the form YYYY-MM-DD (e.g. 2024-01-31), not '15/06/2026'.")]
    [InlineData("start_date", "2026-6-1", "start_date must be a date in the form YYYY-MM-DD (e.g. 2024-01-31), not '2026-6-1'.")]
    [InlineData("start_date", "2026-07-01", "start_date (2026-07-01) is after the end of the series (2026-06-15); give an end_date too.")]
    [InlineData("mirrors", "yes", "mirrors must be true or false, not 'yes'.")]
    [InlineData("mirrors", "True", "mirrors must be true or false, not 'True'.")]
    public void Bad_values_are_refused_with_the_parameter_named(string name, string value, string message) =>
        Assert.Equal(message, Parse(StatsBreakdown.Overall, (name, value)).Error);

    [Fact]
    public void Other_mistakes_say_what_is_wrong()
    {
        Assert.Equal("start_date (2026-03-02) is after end_date (2026-03-01).",
            Parse(StatsBreakdown.System, ("start_date", "2026-03-02"), ("end_date", "2026-03-01")).Error);
        Assert.Equal("os is given 2 times; give it once.", Parse(StatsBreakdown.System, ("os", "linux"), ("os", "darwin")).Error);
        Assert.Equal("period must be day, week or month, not 'fortnight'.", Parse(null, ("period", "fortnight")).Error);
        Assert.StartsWith("The range from 2000-01-01 to 2026-06-15 is longer than", Parse(StatsBreakdown.Overall, ("start_date", "2000-01-01")).Error);
        Assert.Equal("period must be day, week or month, not '" + new string('x', 40) + "...'.", Parse(null, ("period", new string('x', 500))).Error);
    }

    [Fact]
    public void Filters_and_periods_are_read_per_statistic()
    {
        Assert.False(Parse(StatsBreakdown.Overall, ("mirrors", "false")).Query!.Filter.Accepts("with_mirrors"));
        Assert.True(Parse(StatsBreakdown.PythonMinor, ("version", "3.12")).Query!.Filter.Accepts("3.12"));
        Assert.True(Parse(StatsBreakdown.System, ("os", "")).Query!.Filter.IsAll); // a blank form field is no filter
        Assert.True(Parse(StatsBreakdown.System, ("version", "3")).Query!.Filter.IsAll); // not this statistic's parameter
        Assert.Equal(RecentPeriod.Week, Parse(null, ("period", "week")).Query!.Period);
        Assert.Null(Parse(null).Query!.Period);
        Assert.Null(Parse(StatsBreakdown.Overall, ("cache_buster", "123")).Error);
    }
}
