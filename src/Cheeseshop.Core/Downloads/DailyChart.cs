using System.Globalization;
using System.Text;

namespace Cheeseshop.Core.Downloads;

/// <summary>One stacked layer of a chart: a name and one value per day.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<long> Values)
{
    public long Total => Values.Sum();

    /// <summary>
    /// The <paramref name="keep"/> largest series by total, the rest summed into "other", so a chart
    /// stays readable however many installers or countries there are.
    /// </summary>
    public static IReadOnlyList<ChartSeries> Top(IReadOnlyDictionary<string, long[]> byName, int keep, int days)
    {
        var ordered = byName.OrderByDescending(kv => kv.Value.Sum()).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (ordered.Count <= keep) return ordered.Select(kv => new ChartSeries(kv.Key, kv.Value)).ToList();
        var result = ordered.Take(keep - 1).Select(kv => new ChartSeries(kv.Key, kv.Value)).ToList();
        var other = new long[days];
        foreach (var (_, values) in ordered.Skip(keep - 1))
            for (var i = 0; i < days; i++) other[i] += values[i];
        result.Add(new ChartSeries("other", other));
        return result;
    }
}

/// <summary>
/// A stacked daily bar chart as an SVG document, drawn on the server so the page needs no script.
/// Each bar carries a &lt;title&gt;, which browsers show as a tooltip. Text is XML-escaped: series
/// names come from clients' User-Agents.
/// </summary>
public static class DailyChart
{
    private static readonly string[] Palette =
        ["#3572a5", "#f0a30a", "#60a917", "#d80073", "#6a00ff", "#00aba9", "#a0522d", "#e51400", "#647687"];
    private const string OtherColor = "#b0b0b0";

    public static string Render(string title, IReadOnlyList<DateOnly> days, IReadOnlyList<ChartSeries> series,
        bool lastDayPartial = false, int width = 820, int height = 260)
    {
        if (series.Any(s => s.Values.Count != days.Count))
            throw new ArgumentException("Every series needs one value per day.", nameof(series));

        const int left = 56, right = 12, top = 28, bottom = 44;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var totals = new long[days.Count];
        foreach (var s in series)
            for (var i = 0; i < days.Count; i++) totals[i] += s.Values[i];
        var (step, max) = Ticks(totals.DefaultIfEmpty(0).Max());
        var legendRows = (series.Count + 3) / 4;
        var fullHeight = height + legendRows * 18 + 6;

        var svg = new StringBuilder(4096 + days.Count * series.Count * 120);
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{fullHeight}\" viewBox=\"0 0 {width} {fullHeight}\" role=\"img\" aria-label=\"{X(title)}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{X(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{X(title)}</text>");

        // Horizontal grid lines with their values.
        for (long v = 0; v <= max; v += step)
        {
            var y = top + plotH - (double)v / max * plotH;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{left}\" y1=\"{y:0.#}\" x2=\"{left + plotW}\" y2=\"{y:0.#}\" stroke=\"#e4e4e4\"/>" +
                $"<text x=\"{left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" fill=\"#555\">{Compact(v)}</text>");
        }

        if (days.Count > 0)
        {
            var slot = (double)plotW / days.Count;
            var barW = Math.Max(1, slot * 0.8);
            for (var i = 0; i < days.Count; i++)
            {
                var x = left + i * slot + (slot - barW) / 2;
                double stacked = 0;
                var partial = lastDayPartial && i == days.Count - 1;
                for (var s = 0; s < series.Count; s++)
                {
                    var v = series[s].Values[i];
                    if (v <= 0) continue;
                    var h = (double)v / max * plotH;
                    var y = top + plotH - stacked - h;
                    stacked += h;
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barW:0.##}\" height=\"{h:0.##}\" fill=\"{Color(series, s)}\"{(partial ? " fill-opacity=\"0.45\"" : "")}>" +
                        $"<title>{StatsParameters.Format(days[i])}{(partial ? " (so far)" : "")} {X(series[s].Name)}: {v:N0}</title></rect>");
                }
            }
            // About six date labels, always the first and the last day.
            var every = Math.Max(1, (int)Math.Ceiling(days.Count / 6.0));
            for (var i = 0; i < days.Count; i += every) DateLabel(svg, days, i, left, slot, top + plotH);
            if ((days.Count - 1) % every != 0 && days.Count - 1 - (days.Count - 1) / every * every > every / 2)
                DateLabel(svg, days, days.Count - 1, left, slot, top + plotH);
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#888\"/>");

        // Legend: four entries a row, with each series' total.
        for (var s = 0; s < series.Count; s++)
        {
            var lx = left + s % 4 * (plotW / 4);
            var ly = height + s / 4 * 18;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{lx}\" y=\"{ly - 9}\" width=\"10\" height=\"10\" fill=\"{Color(series, s)}\"/>" +
                $"<text x=\"{lx + 14}\" y=\"{ly}\">{X(Truncate(series[s].Name, 24))} ({series[s].Total:N0})</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void DateLabel(StringBuilder svg, IReadOnlyList<DateOnly> days, int i, int left, double slot, int baseline) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{left + (i + 0.5) * slot:0.#}\" y=\"{baseline + 16}\" text-anchor=\"middle\" fill=\"#555\">{StatsParameters.Format(days[i])}</text>");

    private static string Color(IReadOnlyList<ChartSeries> series, int index) =>
        series[index].Name == "other" ? OtherColor : Palette[index % Palette.Length];

    /// <summary>A tick step of 1, 2 or 5 times a power of ten giving four or five lines, and the axis top.</summary>
    public static (long Step, long Max) Ticks(long highest)
    {
        if (highest <= 0) return (1, 1);
        var rough = highest / 4.0;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (long)Math.Max(1, new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough));
        var max = (highest + step - 1) / step * step;
        return (step, max);
    }

    private static string Compact(long v) => v switch
    {
        >= 1_000_000 when v % 100_000 == 0 => (v / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 10_000 when v % 1_000 == 0 => (v / 1_000).ToString(CultureInfo.InvariantCulture) + "k",
        _ => v.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    /// <summary>XML text and attribute escaping; control characters (invalid in XML 1.0) become '?'.</summary>
    public static string X(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when c < 0x20 && c is not ('\t' or '\n' or '\r') => "?",
                _ when char.IsSurrogate(c) => c.ToString(),
                _ when c is '\uFFFE' or '\uFFFF' => "?",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
