using System.Net;

namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// report.html: one self-contained page (no scripts, no external styles, images or fonts) for the
/// lawyer who reviews a package before it is sent: the request, then for each subject every category
/// with its statement, its files and the first rows of each table.
/// </summary>
public static class DisclosureReportHtml
{
    /// <param name="tables">Per subject folder and category key, the tables written (with their first rows).</param>
    public static void Write(TextWriter w, DisclosureManifest manifest,
        IReadOnlyDictionary<(string Folder, string Category), IReadOnlyList<WrittenTable>> tables)
    {
        var r = manifest.Request;
        w.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Write($"<title>Disclosure package for request {r.Id}</title>\n");
        w.Write("<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1b1b1b}" +
                "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}" +
                "th{background:#f3f3f3}.statement{border-left:4px solid #555;padding:.25rem .75rem;background:#f8f8f8}" +
                ".no{color:#666}code{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}section{margin-top:2rem}</style>\n");
        w.Write("</head>\n<body>\n");
        w.Write($"<h1>Disclosure package: request {r.Id}</h1>\n");
        w.Write("<p><strong>Review every category below before this package is sent.</strong> manifest.json lists every file with its SHA-256; the CSV and JSON files hold the same rows.</p>\n");
        w.Write("<table>\n");
        Row(w, "Kind", r.Kind);
        Row(w, "Authority", r.Authority);
        Row(w, "Reference", r.Reference);
        Row(w, "Received", LegalDates.Date(r.Received));
        Row(w, "Due", LegalDates.Date(r.Due));
        Row(w, "Scope", $"from {(r.ScopeStart is { } f ? LegalDates.Instant(f) : "the beginning")} to {(r.ScopeEnd is { } end ? LegalDates.Instant(end) + " (exclusive)" : "the time of production")}");
        Row(w, "Categories requested", string.Join(", ", r.Categories));
        Row(w, "Produced at", LegalDates.Instant(manifest.ProducedAt));
        Row(w, "Instance", $"{manifest.InstanceName} ({manifest.InstanceUrl})");
        w.Write("</table>\n");

        w.Write("<h2>Summary</h2>\n<table>\n<tr><th scope=\"col\">Category</th>");
        foreach (var s in manifest.Subjects) w.Write($"<th scope=\"col\">{E(s.Username)}</th>");
        w.Write("</tr>\n");
        foreach (var category in Categories.All)
        {
            w.Write($"<tr><th scope=\"row\">{category.Number}. {E(category.Key)}</th>");
            foreach (var s in manifest.Subjects)
            {
                var c = s.Categories.First(x => x.Category.Key == category.Key);
                var rows = c.Files.Where(f => f.Path.EndsWith(".csv", StringComparison.Ordinal)).Sum(f => f.Rows);
                w.Write(!c.Requested ? "<td class=\"no\">not requested</td>"
                    : c.Held ? $"<td>held: {rows} rows</td>" : "<td class=\"no\">nothing held</td>");
            }
            w.Write("</tr>\n");
        }
        w.Write("</table>\n");

        foreach (var s in manifest.Subjects)
        {
            w.Write($"<section>\n<h2>Subject: {E(s.Username)}</h2>\n<p>User id: <code>{E(s.UserId?.ToString() ?? "(account erased)")}</code>; files under <code>{E(s.Folder)}/</code></p>\n");
            foreach (var c in s.Categories)
            {
                w.Write($"<h3>{c.Category.Number}. {E(c.Category.Title)} <small>(<code>{E(c.Category.Key)}</code>)</small></h3>\n");
                w.Write($"<p>Requested: {(c.Requested ? "yes" : "no")}. Held: {(c.Held ? "yes" : "no")}.</p>\n");
                w.Write($"<p class=\"statement\">{E(c.Statement)}</p>\n");
                if (!tables.TryGetValue((s.Folder, c.Category.Key), out var written)) continue;
                foreach (var t in written)
                {
                    w.Write($"<h4>{E(t.Spec.Name)}: {t.Rows} rows</h4>\n<p>{E(t.Spec.Description)}</p>\n");
                    w.Write($"<p>Files: <code>{E(t.Csv.Path)}</code> (sha256 <code>{t.Csv.Sha256}</code>), <code>{E(t.Json.Path)}</code> (sha256 <code>{t.Json.Sha256}</code>)</p>\n");
                    if (t.Rows == 0) continue;
                    w.Write("<table>\n<tr>");
                    foreach (var col in t.Spec.Columns) w.Write($"<th scope=\"col\" title=\"{E(col.Description)}\">{E(col.Name)}</th>");
                    w.Write("</tr>\n");
                    foreach (var row in t.Preview)
                    {
                        w.Write("<tr>");
                        foreach (var cell in row) w.Write($"<td>{E(cell)}</td>");
                        w.Write("</tr>\n");
                    }
                    w.Write("</table>\n");
                    if (t.Rows > t.Preview.Count) w.Write($"<p class=\"no\">The first {t.Preview.Count} of {t.Rows} rows; the files hold them all.</p>\n");
                }
            }
            w.Write("</section>\n");
        }
        w.Write("</body>\n</html>\n");
    }

    private static void Row(TextWriter w, string name, string value) =>
        w.Write($"<tr><th scope=\"row\">{E(name)}</th><td>{E(value)}</td></tr>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
