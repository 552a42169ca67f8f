using System.CommandLine;
using System.Globalization;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Hosting;
using Cheeseshop.Index;
using Cheeseshop.Privacy;

namespace Cheeseshop.Downloads;

/// <summary>`stats rollup` and `stats export`: download statistics by hand.</summary>
public static class StatsCommands
{
    public static Command Build()
    {
        var stats = new Command("stats", "Download statistics: bring the daily counts up to date, export raw events");

        var asOf = new Option<string?>("--as-of") { Description = "Act as if it were this time (ISO 8601); its day is counted so far" };
        var from = new Option<string?>("--from") { Description = "Also rebuild the days from this date on (not before the retention window)" };
        var rollup = new Command("rollup", "Count raw download events into daily aggregates (idempotent)") { asOf, from };
        rollup.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var when = parse.GetValue(asOf) is { } text ? PrivacyCommands.ParseTime(text, "--as-of") : CommandLine.CurrentTime(sp);
            DateOnly? since = parse.GetValue(from) is { } f ? ParseDate(f, "--from") : null;
            var report = await CliProgress.RunAsync(sp, "rollup", () => sp.GetRequiredService<DownloadRollup>().RunAsync(when, since, c));
            Console.Out.WriteLine(report.Days is { } days
                ? $"Rebuilt {days.Days} day(s), {StatsParameters.Format(days.First)} to {StatsParameters.Format(days.Last)}: {report.Events} events, {report.Rows} daily rows ({report.Took.TotalSeconds:F1} s)."
                : "Nothing to do.");
            Console.Out.WriteLine($"Days before {StatsParameters.Format(report.NextFrom)} are final.");
            return 0;
        }, ct));

        var exportFrom = new Option<string>("--from") { Description = "First day (YYYY-MM-DD, UTC) or time (ISO 8601)", Required = true };
        var exportTo = new Option<string>("--to") { Description = "Last day, included whole (YYYY-MM-DD), or an end time (ISO 8601, excluded)", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write: .parquet or .jsonl", Required = true };
        var table = new Option<string>("--table") { Description = "file_downloads (default) or simple_requests", DefaultValueFactory = _ => "file_downloads" };
        var export = new Command("export", "Write raw events in PyPI's BigQuery schema (file_downloads / simple_requests)") { exportFrom, exportTo, output, table };
        export.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var format = DownloadExport.FormatOf(path) ?? throw new AdminException($"--out: '{path}' must end in .parquet or .jsonl.");
            var which = parse.GetValue(table) switch
            {
                "file_downloads" => ExportTable.FileDownloads,
                "simple_requests" => ExportTable.SimpleRequests,
                var other => throw new AdminException($"--table: '{other}' is not file_downloads or simple_requests."),
            };
            var start = ParseBound(parse.GetValue(exportFrom)!, "--from", end: false);
            var end = ParseBound(parse.GetValue(exportTo)!, "--to", end: true);
            if (end <= start) throw new AdminException($"--to ({end:u}) must be after --from ({start:u}).");
            if (!Directory.Exists(Path.GetDirectoryName(path))) throw new AdminException($"--out: the folder {Path.GetDirectoryName(path)} does not exist.");
            var rows = await CliProgress.RunAsync(sp, "export", () => sp.GetRequiredService<DownloadExport>().ExportAsync(which, start, end, path, format, c));
            Console.Out.WriteLine($"Wrote {rows} rows to {path}.");
            return 0;
        }, ct));

        stats.Subcommands.Add(rollup);
        stats.Subcommands.Add(export);
        return stats;
    }

    private static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new AdminException($"{option}: '{text}' is not a date in the form YYYY-MM-DD.");

    /// <summary>A bare date means the start of that day (--from) or the end of it (--to).</summary>
    private static DateTime ParseBound(string text, string option, bool end)
    {
        if (text.Length == 10)
        {
            var day = ParseDate(text, option).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            return end ? day.AddDays(1) : day;
        }
        return PrivacyCommands.ParseTime(text, option);
    }
}
