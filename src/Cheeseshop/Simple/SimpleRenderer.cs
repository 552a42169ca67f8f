using System.Net;
using System.Text;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;

namespace Cheeseshop.Simple;

/// <summary>
/// Renders the Simple API pages. The HTML follows warehouse's templates line for line (clients and
/// mirrors have parsed that exact text for years); the JSON is PEP 691 with the PEP 700 additions.
/// </summary>
public static class SimpleRenderer
{
    public const string ApiVersion = "1.4";

    public sealed record IndexEntry(string Name, string NormalizedName, long LastSerial);

    public static byte[] IndexHtml(IReadOnlyList<IndexEntry> projects)
    {
        var sb = new StringBuilder(64 + projects.Count * 64);
        sb.Append("<!DOCTYPE html>\n<html>\n  <head>\n");
        sb.Append("    <meta name=\"pypi:repository-version\" content=\"").Append(ApiVersion).Append("\">\n");
        sb.Append("    <title>Simple index</title>\n  </head>\n  <body>\n");
        foreach (var p in projects)
            sb.Append("    <a href=\"/simple/").Append(p.NormalizedName).Append("/\">").Append(WebUtility.HtmlEncode(p.Name)).Append("</a>\n");
        sb.Append("  </body>\n</html>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] IndexJson(IReadOnlyList<IndexEntry> projects, long lastSerial) =>
        JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("meta");
            w.WriteNumber("_last-serial", lastSerial);
            w.WriteString("api-version", ApiVersion);
            w.WriteEndObject();
            w.WriteStartArray("projects");
            foreach (var p in projects)
            {
                w.WriteStartObject();
                w.WriteNumber("_last-serial", p.LastSerial);
                w.WriteString("name", p.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>The project's files as its Simple page lists them, release by release.</summary>
    public static List<PageFile> Files(ProjectSnapshot p) =>
        p.Releases.SelectMany(r => r.Files.Select(f => new PageFile(
            f.Filename, FileUrls.Path(f), f.Sha256, string.IsNullOrEmpty(f.RequiresPython) ? null : f.RequiresPython,
            r.Release.Yanked, r.Release.YankedReason, f.Size, JsonText.IsoTime(f.UploadTime), f.MetadataSha256))).ToList();

    public static byte[] DetailHtml(ProjectSnapshot p) => SimpleDetailPage.Html(p.Project.NormalizedName, Files(p), p.Project.LastSerial, []);

    /// <summary>PEP 700's versions are the releases that have files, in the snapshot's (ascending) order.</summary>
    public static byte[] DetailJson(ProjectSnapshot p) =>
        SimpleDetailPage.Json(p.Project.NormalizedName, Files(p), p.Project.LastSerial, [],
            p.Releases.Where(r => r.Files.Count > 0).Select(r => r.Release.Version).ToList());
}
