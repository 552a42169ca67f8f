using System.CommandLine;
using System.Text;
using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Disclosure;

/// <summary>`cheeseshop transparency [--period 2026-H2] [--format md|json|html] [--as-of TIME]`: the transparency report on stdout.</summary>
public static class TransparencyCommands
{
    public static Command Build()
    {
        var period = new Option<string?>("--period") { Description = "One half-year, e.g. 2026-H2 (default: every half-year with requests)" };
        var format = new Option<string>("--format") { Description = "md, json or html", DefaultValueFactory = _ => "md" };
        var asOf = new Option<string?>("--as-of") { Description = "Judge nondisclosure orders as of this time (ISO 8601; default now)" };
        var command = new Command("transparency", "Print the transparency report (requests per half-year and kind, and how they were answered)") { period, format, asOf };
        command.SetAction((parse, ct) =>
        {
            HalfYear? half = null;
            DateTime? when = null;
            var f = parse.GetValue(format)?.Trim().ToLowerInvariant();
            return LegalCommands.RunAsync(parse, ct, () =>
            {
                if (f is not ("md" or "json" or "html")) throw new DisclosureInputException($"--format '{parse.GetValue(format)}' is not one of: md, json, html.");
                half = parse.GetValue(period) is { } p ? HalfYear.Parse(p) : null;
                when = parse.GetValue(asOf) is { } a ? LegalDates.ParseInstant(a, "--as-of") : null;
            }, async (sp, c) =>
            {
                var report = await sp.GetRequiredService<TransparencyService>().BuildAsync(half, when, c);
                var text = f switch
                {
                    "json" => Encoding.UTF8.GetString(TransparencyFormats.Json(report)),
                    "html" => TransparencyFormats.HtmlDocument(report),
                    _ => TransparencyFormats.Markdown(report),
                };
                Console.Out.Write(text);
                return 0;
            });
        });
        return command;
    }
}
