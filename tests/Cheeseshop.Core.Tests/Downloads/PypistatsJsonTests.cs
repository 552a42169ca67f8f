using System.Text;
using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

/// <summary>Bodies byte for byte as pypistats.org (Flask's jsonify, sorted keys) writes them.</summary>
public class PypistatsJsonTests
{
    [Fact]
    public void A_series_has_pypistats_envelope_and_key_order()
    {
        var body = PypistatsJson.Series("requests", StatsBreakdown.PythonMajor,
            [new("3", new DateOnly(2026, 1, 2), 10), new("null", new DateOnly(2026, 1, 2), 1)]);
        Assert.Equal(
            "{\"data\":[{\"category\":\"3\",\"date\":\"2026-01-02\",\"downloads\":10},{\"category\":\"null\",\"date\":\"2026-01-02\",\"downloads\":1}]," +
            "\"package\":\"requests\",\"type\":\"python_major_downloads\"}",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Recent_lists_all_periods_or_the_one_asked_for()
    {
        var counts = new RecentCounts(1, 7, 30);
        Assert.Equal("{\"data\":{\"last_day\":1,\"last_month\":30,\"last_week\":7},\"package\":\"p\",\"type\":\"recent_downloads\"}",
            Encoding.UTF8.GetString(PypistatsJson.Recent("p", counts, null)));
        Assert.Equal("{\"data\":{\"last_month\":30},\"package\":\"p\",\"type\":\"recent_downloads\"}",
            Encoding.UTF8.GetString(PypistatsJson.Recent("p", counts, RecentPeriod.Month)));
    }

    [Fact]
    public void Errors_are_json_with_the_status_and_text_is_escaped()
    {
        Assert.Equal("{\"error\":\"There is no project named 'x\\\"y' on this index.\",\"status\":404}",
            Encoding.UTF8.GetString(PypistatsJson.Error(404, "There is no project named 'x\"y' on this index.")));
    }

    [Fact]
    public void Type_names_and_paths_match_pypistats()
    {
        Assert.Equal(["overall", "python_major", "python_minor", "system", "installer", "country", "version"],
            Enum.GetValues<StatsBreakdown>().Select(b => b.PathName()));
        Assert.Equal("system_downloads", StatsBreakdown.System.ResponseType());
        Assert.Equal("os", StatsBreakdown.System.FilterParameter());
        Assert.True(StatsBreakdowns.TryParsePath("python_minor", out var b));
        Assert.Equal(StatsBreakdown.PythonMinor, b);
        Assert.False(StatsBreakdowns.TryParsePath("Overall", out _));
    }
}
