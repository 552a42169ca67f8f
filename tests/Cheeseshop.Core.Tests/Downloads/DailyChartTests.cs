using System.Xml.Linq;
using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

public class DailyChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly DateOnly[] Days = Enumerable.Range(0, 5).Select(i => new DateOnly(2026, 1, 1).AddDays(i)).ToArray();

    [Fact]
    public void Bars_are_stacked_one_rect_per_nonzero_value_with_a_tooltip()
    {
        var svg = DailyChart.Render("Daily downloads", Days, [new("pip", [1, 0, 3, 4, 5]), new("uv", [2, 2, 0, 0, 1])]);
        var doc = XDocument.Parse(svg);
        var bars = doc.Descendants(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).ToList();
        Assert.Equal(4 + 3, bars.Count);
        Assert.Contains(bars, b => b.Element(Svg + "title")!.Value == "2026-01-03 pip: 3");
        // The stack of day 1 reaches as high as the total of 3.
        Assert.Contains("pip (13)", svg);
    }

    [Fact]
    public void Names_from_clients_are_escaped()
    {
        var svg = DailyChart.Render("a<b", Days, [new("<script>alert(1)</script>&\u0001", [1, 1, 1, 1, 1])], lastDayPartial: true);
        var doc = XDocument.Parse(svg); // well-formed despite the hostile name
        Assert.DoesNotContain("<script>", svg);
        Assert.Contains("(so far)", svg);
        Assert.Equal("a<b", doc.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void An_empty_chart_is_still_a_chart()
    {
        var doc = XDocument.Parse(DailyChart.Render("Nothing yet", Days, []));
        Assert.Equal("svg", doc.Root!.Name.LocalName);
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(3, 1, 3)]
    [InlineData(7, 2, 8)]
    [InlineData(99, 50, 100)]
    [InlineData(1234, 500, 1500)]
    public void Ticks_are_round_numbers(long highest, long step, long max) =>
        Assert.Equal((step, max), DailyChart.Ticks(highest));

    [Fact]
    public void Small_series_beyond_the_top_ones_become_other()
    {
        var byName = new Dictionary<string, long[]> { ["a"] = [5, 5], ["b"] = [1, 0], ["c"] = [0, 2], ["d"] = [3, 3] };
        var top = ChartSeries.Top(byName, 3, 2);
        Assert.Equal(["a", "d", "other"], top.Select(s => s.Name));
        Assert.Equal([1L, 2L], top[2].Values);
    }
}
