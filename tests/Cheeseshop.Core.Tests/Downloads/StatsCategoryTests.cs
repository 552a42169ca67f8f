using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

/// <summary>pypistats' categories: mirrors, Python buckets, systems, and where we differ on purpose.</summary>
public class StatsCategoryTests
{
    private static readonly DateOnly Day = new(2026, 3, 1);

    [Theory]
    [InlineData("bandersnatch", true)]
    [InlineData("z3c.pypimirror", true)]
    [InlineData("Artifactory", true)]
    [InlineData("devpi", true)]
    [InlineData("pip", false)]
    [InlineData("Nexus", false)]     // pypistats does not list it
    [InlineData("Bandersnatch", false)] // matched exactly, as SQL's NOT IN does
    [InlineData(null, false)]        // no installer is not a mirror (pypistats drops these; we count them)
    public void Mirrors_are_pypistats_list_matched_exactly(string? installer, bool mirror) =>
        Assert.Equal(mirror, Mirrors.IsMirror(installer));

    [Theory]
    [InlineData("3.12.1", "3", "3.12")]
    [InlineData("2.7.18", "2", "2.7")]
    [InlineData("3.10rc1", "3", "3.10")]
    [InlineData("3.13.0+", "3", "3.13")]
    [InlineData("10.1", "10", "10.1")]
    [InlineData("3", null, null)]
    [InlineData("", null, null)]
    [InlineData(".", null, null)]
    [InlineData("cpython-3.11", null, null)]
    [InlineData(null, null, null)]
    public void Python_versions_split_into_major_and_minor(string? python, string? major, string? minor) =>
        Assert.Equal((major, minor), StatsPython.Split(python));

    [Theory]
    [InlineData("Linux", "Linux")]
    [InlineData("Windows", "Windows")]
    [InlineData("Darwin", "Darwin")]
    [InlineData("FreeBSD", "other")]
    [InlineData("linux", "other")] // linehaul records platform.system() verbatim; pypistats compares exactly
    [InlineData(null, "null")]
    public void Systems_are_named_other_or_null(string? system, string category) =>
        Assert.Equal(category, StatsBreakdowns.SystemCategory(system));

    [Fact]
    public void Daily_keys_merge_patch_versions_of_python()
    {
        var counts = new DailyAggregator();
        var project = Guid.NewGuid();
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "bdist_wheel", "NL", "pip", "3.11.2", "Linux", null));
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "bdist_wheel", "NL", "pip", "3.11.7", "Linux", null));
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "bdist_wheel", "NL", "pip", "3.12.0", "Linux", null));
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "sdist", null, null, null, null, true));
        Assert.Equal(4, counts.Events);
        Assert.Equal(3, counts.Counts.Count);
        Assert.Equal(2, counts.Counts[new DailyKey(Day, project, "p", "1.0", "bdist_wheel", "NL", "pip", "3", "3.11", "Linux", null)]);
    }

    private static StatsRow Row(string? value, long n, bool mirror = false, int day = 0) => new(Day.AddDays(day), value, mirror, n);

    [Fact]
    public void Overall_counts_downloads_without_an_installer_as_not_mirrors()
    {
        // Overall rows carry the installer as their value.
        var rows = new[] { Row("pip", 5), Row("bandersnatch", 7, mirror: true), Row(null, 2), Row("devpi", 1, mirror: true, day: 1) };
        var series = StatsSeries.Build(StatsBreakdown.Overall, rows, StatsFilter.All);
        Assert.Equal(
            [new("with_mirrors", Day, 14), new("with_mirrors", Day.AddDays(1), 1), new CategoryCount("without_mirrors", Day, 7)],
            series);
        Assert.Equal([new("bandersnatch", Day, 7), new("devpi", Day.AddDays(1), 1), new("null", Day, 2), new CategoryCount("pip", Day, 5)],
            StatsSeries.Build(StatsBreakdown.Installer, rows, StatsFilter.All));
    }

    [Fact]
    public void Breakdowns_leave_mirrors_out()
    {
        var rows = new[] { Row("3", 5), Row("3", 7, mirror: true), Row(null, 2) };
        Assert.Equal([new("3", Day, 5), new CategoryCount("null", Day, 2)], StatsSeries.Build(StatsBreakdown.PythonMajor, rows, StatsFilter.All));
    }

    [Fact]
    public void Systems_are_grouped_and_filters_ignore_case()
    {
        var rows = new[] { Row("Linux", 1), Row("FreeBSD", 2), Row("SunOS", 3), Row(null, 4) };
        Assert.Equal([new("Linux", Day, 1), new("null", Day, 4), new CategoryCount("other", Day, 5)],
            StatsSeries.Build(StatsBreakdown.System, rows, StatsFilter.All));
        Assert.Equal([new CategoryCount("Linux", Day, 1)], StatsSeries.Build(StatsBreakdown.System, rows, StatsFilter.Only("linux")));
        Assert.Equal([new CategoryCount("without_mirrors", Day, 10)],
            StatsSeries.Build(StatsBreakdown.Overall, rows, StatsFilter.Only(StatsBreakdowns.WithoutMirrors)));
    }

    [Fact]
    public void Series_keep_one_dimension_each_and_mark_mirrors()
    {
        var project = Guid.NewGuid();
        var counts = new DailyAggregator();
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "bdist_wheel", "NL", "pip", "3.11.2", "Linux", null), 3);
        counts.Add(DailyKey.Of(Day, project, "p", "1.0", "sdist", "DE", "pip", "3.12.0", "Linux", true), 2);
        counts.Add(DailyKey.Of(Day, project, "p", "2.0", "bdist_wheel", "NL", "devpi", null, null, null), 4);
        var series = DailySeries.From(counts.Counts);
        Assert.Equal(5, series[new SeriesKey(Day, project, "overall", "pip", false)]);
        Assert.Equal(4, series[new SeriesKey(Day, project, "overall", "devpi", true)]);
        Assert.Equal(5, series[new SeriesKey(Day, project, "system", "Linux", false)]);
        Assert.Equal(3, series[new SeriesKey(Day, project, "python_minor", "3.11", false)]);
        Assert.Equal(4, series[new SeriesKey(Day, project, "python_major", null, true)]);
        Assert.Equal(3, series[new SeriesKey(Day, project, "country", "NL", false)]);
        Assert.Equal(4, series[new SeriesKey(Day, project, "version", "2.0", true)]);
        Assert.Equal(9 * 6, series.Values.Sum()); // every download once in each of the six series
        Assert.Equal("overall", DailySeries.Of(StatsBreakdown.Installer));
    }

    [Fact]
    public void Recent_periods_are_complete_days_ending_yesterday()
    {
        var today = new DateOnly(2026, 3, 31);
        var rows = new StatsRow[]
        {
            new(today, "pip", false, 1000),             // today: not complete, not counted
            new(today.AddDays(-1), "pip", false, 1),    // yesterday: day, week, month
            new(today.AddDays(-1), "devpi", true, 50),  // a mirror: never
            new(today.AddDays(-7), "pip", false, 10),   // the 7th day back: week and month
            new(today.AddDays(-8), "pip", false, 100),  // the 8th: month only
            new(today.AddDays(-30), null, false, 1000), // the 30th: month
            new(today.AddDays(-31), "pip", false, 10000),
        };
        Assert.Equal(new RecentCounts(1, 11, 1111), StatsSeries.Recent(rows, today));
    }
}
