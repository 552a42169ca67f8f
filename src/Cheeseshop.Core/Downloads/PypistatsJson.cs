using Cheeseshop.Core.Json;
using System.Text.Json;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// pypistats.org's response bodies. Flask's jsonify sorts keys, so fields come in alphabetical order
/// ("data", "package", "type"; "category", "date", "downloads"): a script that compares text sees the
/// same layout. Project names and categories are data from clients and are escaped as JSON.
/// </summary>
public static class PypistatsJson
{
    // Relaxed escaping keeps apostrophes and non-ASCII readable, as Flask writes them; the API sends
    // X-Content-Type-Options: nosniff, so no browser reads this JSON as HTML.
    public static byte[] Series(string package, StatsBreakdown breakdown, IReadOnlyList<CategoryCount> data) => Write(w =>
    {
        w.WriteStartArray("data");
        foreach (var point in data)
        {
            w.WriteStartObject();
            w.WriteString("category", point.Category);
            w.WriteString("date", StatsParameters.Format(point.Date));
            w.WriteNumber("downloads", point.Downloads);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("package", package);
        w.WriteString("type", breakdown.ResponseType());
    });

    /// <summary>All three periods, or only the one asked for (pypistats' ?period=).</summary>
    public static byte[] Recent(string package, RecentCounts counts, RecentPeriod? period) => Write(w =>
    {
        w.WriteStartObject("data");
        if (period is null or RecentPeriod.Day) w.WriteNumber("last_day", counts.LastDay);
        if (period is null or RecentPeriod.Month) w.WriteNumber("last_month", counts.LastMonth);
        if (period is null or RecentPeriod.Week) w.WriteNumber("last_week", counts.LastWeek);
        w.WriteEndObject();
        w.WriteString("package", package);
        w.WriteString("type", "recent_downloads");
    });

    /// <summary>An error a person can act on: {"error": "...", "status": 400}.</summary>
    public static byte[] Error(int status, string message) => Write(w =>
    {
        w.WriteString("error", message);
        w.WriteNumber("status", status);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body) => JsonBytes.Write(w =>
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }, initialCapacity: 256);
}
