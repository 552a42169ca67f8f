using System.Net;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Json;

namespace Cheeseshop.Core.Disclosure;

/// <summary>The transparency report as JSON (for programs), Markdown (for posts) and HTML (for the public page).</summary>
public static class TransparencyFormats
{
    public static byte[] Json(TransparencyReport report)
    {
        return JsonBytes.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("instance", report.InstanceName);
            w.WriteString("as_of", LegalDates.Short(report.AsOf));
            w.WriteString("note", "Requests still under a nondisclosure order are counted but never itemised; users' own data requests are counted under data-subject and never itemised.");
            w.WriteStartArray("periods");
            foreach (var p in report.Periods)
            {
                w.WriteStartObject();
                w.WriteString("period", p.Period.ToString());
                w.WriteString("from", LegalDates.Date(p.Period.Start));
                w.WriteString("to", LegalDates.Date(p.Period.End.AddDays(-1)));
                w.WriteStartObject("totals");
                WriteCounts(w, p.Totals);
                w.WriteEndObject();
                w.WriteNumber("preservation_requests", p.PreservationRequests);
                w.WriteNumber("under_nondisclosure_order", p.UnderOrder);
                w.WriteStartArray("by_kind");
                foreach (var k in p.ByKind)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", k.Kind);
                    WriteCounts(w, k);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("requests");
                foreach (var i in p.Items)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", i.Kind);
                    w.WriteString("authority", i.Authority);
                    w.WriteString("received", LegalDates.Date(i.Received));
                    w.WriteString("status", i.Status);
                    w.WriteNumber("accounts", i.Accounts);
                    w.WriteStartArray("categories_disclosed");
                    foreach (var c in i.CategoriesDisclosed) w.WriteStringValue(c);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, indented: true, newline: true);
    }

    private static void WriteCounts(Utf8JsonWriter w, KindCounts counts)
    {
        foreach (var ((key, _), value) in TransparencyReport.Columns.Zip(TransparencyReport.Values(counts)))
            w.WriteNumber(key, value);
    }

    public static string Markdown(TransparencyReport report)
    {
        var s = new StringBuilder();
        s.Append($"# Transparency report: {report.InstanceName}\n\nAs of {LegalDates.Short(report.AsOf)}. ");
        s.Append("Requests still under a nondisclosure order are counted but never itemised; users' own data requests are counted under `data-subject` and never itemised.\n");
        if (report.Periods.Count == 0) s.Append("\nNo requests have been received.\n");
        foreach (var p in report.Periods)
        {
            s.Append($"\n## {p.Period} ({LegalDates.Date(p.Period.Start)} to {LegalDates.Date(p.Period.End.AddDays(-1))})\n\n");
            s.Append("| Kind | ").Append(string.Join(" | ", TransparencyReport.Columns.Select(c => c.Heading))).Append(" |\n");
            s.Append("| --- |").Append(string.Concat(TransparencyReport.Columns.Select(_ => " ---: |"))).Append('\n');
            foreach (var k in p.ByKind.Append(p.Totals))
                s.Append($"| {(k.Kind == TransparencyReport.AllKinds ? "**All**" : k.Kind)} | ").Append(string.Join(" | ", TransparencyReport.Values(k))).Append(" |\n");
            s.Append($"\nPreservation requests: {p.PreservationRequests}. Requests still under a nondisclosure order: {p.UnderOrder}.\n");
            if (p.Items.Count > 0)
            {
                s.Append("\n| Received | Kind | Authority | Status | Accounts | Categories disclosed |\n| --- | --- | --- | --- | ---: | --- |\n");
                foreach (var i in p.Items)
                    s.Append($"| {LegalDates.Date(i.Received)} | {i.Kind} | {MarkdownCell(i.Authority)} | {i.Status} | {i.Accounts} | {(i.CategoriesDisclosed.Count == 0 ? "none" : string.Join(", ", i.CategoriesDisclosed))} |\n");
            }
        }
        return s.ToString();
    }

    private static string MarkdownCell(string text) => text.Replace("|", "\\|").Replace("\n", " ").Replace("\r", " ");

    /// <summary>The report's body, to place inside a page (the public /transparency page uses it).</summary>
    public static string HtmlFragment(TransparencyReport report)
    {
        var s = new StringBuilder();
        s.Append($"<p>As of {E(LegalDates.Short(report.AsOf))}. Requests still under a nondisclosure order are counted but never itemised; ");
        s.Append("users' own data requests are counted under <code>data-subject</code> and never itemised. The same figures are at <a href=\"/transparency.json\">/transparency.json</a>.</p>\n");
        if (report.Periods.Count == 0) s.Append("<p>No requests have been received.</p>\n");
        foreach (var p in report.Periods)
        {
            s.Append($"<section aria-labelledby=\"p-{p.Period}\">\n<h2 id=\"p-{p.Period}\">{p.Period} <small>({LegalDates.Date(p.Period.Start)} to {LegalDates.Date(p.Period.End.AddDays(-1))})</small></h2>\n");
            s.Append("<table>\n<thead><tr><th scope=\"col\">Kind</th>");
            foreach (var (_, heading) in TransparencyReport.Columns) s.Append($"<th scope=\"col\">{E(heading)}</th>");
            s.Append("</tr></thead>\n<tbody>\n");
            foreach (var k in p.ByKind.Append(p.Totals))
            {
                s.Append($"<tr><th scope=\"row\">{(k.Kind == TransparencyReport.AllKinds ? "All" : E(k.Kind))}</th>");
                foreach (var v in TransparencyReport.Values(k)) s.Append($"<td>{v}</td>");
                s.Append("</tr>\n");
            }
            s.Append("</tbody>\n</table>\n");
            s.Append($"<p>Preservation requests: {p.PreservationRequests}. Requests still under a nondisclosure order: {p.UnderOrder}.</p>\n");
            if (p.Items.Count > 0)
            {
                s.Append("<table>\n<thead><tr><th scope=\"col\">Received</th><th scope=\"col\">Kind</th><th scope=\"col\">Authority</th><th scope=\"col\">Status</th><th scope=\"col\">Accounts</th><th scope=\"col\">Categories disclosed</th></tr></thead>\n<tbody>\n");
                foreach (var i in p.Items)
                    s.Append($"<tr><td>{LegalDates.Date(i.Received)}</td><td>{E(i.Kind)}</td><td>{E(i.Authority)}</td><td>{E(i.Status)}</td><td>{i.Accounts}</td><td>{E(i.CategoriesDisclosed.Count == 0 ? "none" : string.Join(", ", i.CategoriesDisclosed))}</td></tr>\n");
                s.Append("</tbody>\n</table>\n");
            }
            s.Append("</section>\n");
        }
        return s.ToString();
    }

    /// <summary>A standalone page (no external assets), for `cheeseshop transparency --format html`.</summary>
    public static string HtmlDocument(TransparencyReport report) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
        $"<title>Transparency report · {E(report.InstanceName)}</title>\n" +
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}td{text-align:right}</style>\n" +
        $"</head>\n<body>\n<h1>Transparency report: {E(report.InstanceName)}</h1>\n" + HtmlFragment(report) + "</body>\n</html>\n";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
