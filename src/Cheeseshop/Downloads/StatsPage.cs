using System.Globalization;
using System.Net;
using System.Text;
using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Downloads;

/// <summary>
/// /stats/{project}: recent totals and daily charts (all, by installer, by country), drawn as SVG on the
/// server so the page works without JavaScript; each chart has a table of its totals beside it.
/// </summary>
public static class StatsPage
{
    public const int DefaultDays = 90;

    public static void MapStatsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats/{project}", ServeAsync);
    }

    private static async Task<IResult> ServeAsync(HttpContext ctx, string project, DownloadStatsQuery stats, TimeProvider clock)
    {
        var days = DefaultDays;
        var daysText = ctx.Request.Query["days"].ToString();
        if (daysText.Length > 0 && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 7 or > 366))
            return Html(400, "Bad request", $"<p>days must be a whole number from 7 to 366, not '{E(daysText.Length > 20 ? daysText[..20] : daysText)}'.</p>");

        var found = await stats.FindProjectAsync(project, ctx.RequestAborted);
        if (found is null)
            return Html(404, "Not found", $"<p>There is no project named '{E(project)}' on this index.</p>");

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var range = new DayRange(today.AddDays(-(days - 1)), today);
        var dates = range.Each().ToList();
        var byInstaller = await stats.RowsAsync(found, StatsBreakdown.Overall, range, ctx.RequestAborted);
        var byCountry = await stats.RowsAsync(found, StatsBreakdown.Country, range, ctx.RequestAborted);
        var recent = await stats.RecentAsync(found, today, ctx.RequestAborted);

        var overall = Spread(dates, StatsSeries.Build(StatsBreakdown.Overall, byInstaller, StatsFilter.All)
            .Select(c => c with { Category = c.Category == StatsBreakdowns.WithoutMirrors ? "downloads" : c.Category }));
        // Stack mirrors on top of the rest: with_mirrors minus without_mirrors.
        var plain = overall.GetValueOrDefault("downloads") ?? new long[dates.Count];
        var mirrors = (overall.GetValueOrDefault(StatsBreakdowns.WithMirrors) ?? new long[dates.Count]).Select((v, i) => v - plain[i]).ToArray();
        var allSeries = new List<ChartSeries> { new("downloads", plain) };
        if (mirrors.Any(v => v > 0)) allSeries.Add(new ChartSeries("mirrors", mirrors));

        var installers = Spread(dates, StatsSeries.Build(StatsBreakdown.Installer, byInstaller, StatsFilter.All)
            .Select(c => c with { Category = c.Category == StatsBreakdowns.Null ? "unknown" : c.Category }));
        var countries = Spread(dates, StatsSeries.Build(StatsBreakdown.Country, byCountry, StatsFilter.All)
            .Select(c => c with { Category = c.Category == StatsBreakdowns.Null ? "unknown" : c.Category }));

        var name = E(found.Name);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Downloads of {name}</h1>");
        body.Append(CultureInfo.InvariantCulture,
            $"<table class=\"recent\"><tr><th>Last day</th><th>Last week</th><th>Last month</th></tr><tr><td>{recent.LastDay:N0}</td><td>{recent.LastWeek:N0}</td><td>{recent.LastMonth:N0}</td></tr></table>");
        body.Append("<p class=\"note\">Complete days (UTC) up to yesterday, known mirrors left out, as pypistats.org counts them. " +
                    "The charts show the last ").Append(days).Append(" days; today's bar is partial and paler. " +
                    "Counts are brought up to date about once an hour.</p>");
        Chart(body, "Daily downloads", DailyChart.Render($"Daily downloads of {found.Name}", dates, allSeries, lastDayPartial: true), allSeries);
        var installerSeries = ChartSeries.Top(installers, 7, dates.Count);
        Chart(body, "By installer", DailyChart.Render("Daily downloads by installer (mirrors included)", dates, installerSeries, lastDayPartial: true), installerSeries, Totals(installers));
        var countrySeries = ChartSeries.Top(countries, 9, dates.Count);
        Chart(body, "By country", DailyChart.Render("Daily downloads by country", dates, countrySeries, lastDayPartial: true), countrySeries, Totals(countries));
        var api = $"/api/packages/{Uri.EscapeDataString(found.Name)}";
        body.Append(CultureInfo.InvariantCulture,
            $"<p class=\"note\">The same numbers as JSON, in pypistats.org's format: <a href=\"{api}/recent\">recent</a>, <a href=\"{api}/overall\">overall</a>, " +
            $"<a href=\"{api}/python_minor\">python_minor</a>, <a href=\"{api}/system\">system</a>, <a href=\"{api}/installer\">installer</a>, " +
            $"<a href=\"{api}/country\">country</a>, <a href=\"{api}/version\">version</a>. No download record holds an IP address.</p>");
        return Html(200, $"Downloads of {found.Name}", body.ToString());
    }

    /// <summary>Category → one value per day of the range (days without downloads are zero).</summary>
    private static Dictionary<string, long[]> Spread(IReadOnlyList<DateOnly> dates, IEnumerable<CategoryCount> points)
    {
        var index = dates.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            if (!index.TryGetValue(p.Date, out var i)) continue;
            if (!result.TryGetValue(p.Category, out var values)) result[p.Category] = values = new long[dates.Count];
            values[i] += p.Downloads;
        }
        return result;
    }

    private static IEnumerable<(string Name, long Total)> Totals(Dictionary<string, long[]> series) =>
        series.Select(kv => (kv.Key, kv.Value.Sum())).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal);

    private static void Chart(StringBuilder body, string heading, string svg, IReadOnlyList<ChartSeries> series, IEnumerable<(string Name, long Total)>? totals = null)
    {
        body.Append("<section><h2>").Append(E(heading)).Append("</h2><figure>").Append(svg).Append("</figure>");
        var rows = (totals ?? series.Select(s => (s.Name, s.Total))).Take(25).ToList();
        if (rows.Count > 0)
        {
            body.Append("<table class=\"totals\"><tr><th></th><th>Downloads</th></tr>");
            foreach (var (name, total) in rows)
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(name)}</td><td>{total:N0}</td></tr>");
            body.Append("</table>");
        }
        body.Append("</section>");
    }

    private static IResult Html(int status, string title, string body) => Results.Content(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{E(title)} · Cheeseshop</title><style>" +
        "body{font-family:sans-serif;max-width:880px;margin:1.5em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:.5em 0}th,td{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}" +
        "td:first-child,th:first-child{text-align:left}.recent td{font-size:1.4em}.note{color:#555;font-size:.9em}" +
        "figure{margin:0;overflow-x:auto}svg{max-width:100%;height:auto}</style></head><body>" +
        body + "</body></html>", "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
