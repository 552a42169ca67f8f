using System.Net;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data.Entities;
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

    private static IEnumerable<(ReleaseSnapshot Release, ReleaseFile File)> Files(ProjectSnapshot p) =>
        p.Releases.SelectMany(r => r.Files.Select(f => (r, f)));

    public static byte[] DetailHtml(ProjectSnapshot p)
    {
        var name = p.Project.NormalizedName;
        var sb = new StringBuilder(512);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n");
        sb.Append("    <meta name=\"pypi:repository-version\" content=\"").Append(ApiVersion).Append("\">\n");
        sb.Append("    \n");
        sb.Append("    <meta name=\"pypi:project-status\" content=\"active\">\n");
        sb.Append("    <title>Links for ").Append(name).Append("</title>\n  </head>\n  <body>\n");
        sb.Append("    <h1>Links for ").Append(name).Append("</h1>\n");
        foreach (var (release, f) in Files(p))
        {
            sb.Append("    <a href=\"").Append(FileUrls.Path(f)).Append("#sha256=").Append(f.Sha256).Append("\" ");
            if (!string.IsNullOrEmpty(f.RequiresPython))
                sb.Append("data-requires-python=\"").Append(WebUtility.HtmlEncode(f.RequiresPython)).Append("\" ");
            if (release.Release.Yanked)
                sb.Append("data-yanked=\"").Append(WebUtility.HtmlEncode(release.Release.YankedReason ?? "")).Append("\" ");
            if (f.MetadataSha256 is { } m)
                sb.Append("data-dist-info-metadata=\"sha256=").Append(m).Append("\" data-core-metadata=\"sha256=").Append(m).Append('"');
            sb.Append('>').Append(WebUtility.HtmlEncode(f.Filename)).Append("</a><br />\n");
        }
        sb.Append("    </body>\n</html>\n<!--SERIAL ").Append(p.Project.LastSerial).Append("-->");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] DetailJson(ProjectSnapshot p) =>
        JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("files");
            foreach (var (release, f) in Files(p))
            {
                w.WriteStartObject();
                if (f.MetadataSha256 is { } m)
                {
                    WriteSha(w, "core-metadata", m);
                    WriteSha(w, "data-dist-info-metadata", m);
                }
                else
                {
                    w.WriteBoolean("core-metadata", false);
                    w.WriteBoolean("data-dist-info-metadata", false);
                }
                w.WriteString("filename", f.Filename);
                WriteSha(w, "hashes", f.Sha256);
                w.WriteNull("provenance");
                if (string.IsNullOrEmpty(f.RequiresPython)) w.WriteNull("requires-python");
                else w.WriteString("requires-python", f.RequiresPython);
                w.WriteNumber("size", f.Size);
                w.WriteString("upload-time", JsonText.IsoTime(f.UploadTime));
                w.WriteString("url", FileUrls.Path(f));
                if (release.Release.Yanked && !string.IsNullOrEmpty(release.Release.YankedReason))
                    w.WriteString("yanked", release.Release.YankedReason);
                else w.WriteBoolean("yanked", release.Release.Yanked);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("meta");
            w.WriteNumber("_last-serial", p.Project.LastSerial);
            w.WriteString("api-version", ApiVersion);
            w.WriteEndObject();
            w.WriteString("name", p.Project.NormalizedName);
            w.WriteStartObject("project-status");
            w.WriteString("status", "active");
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var r in p.Releases.Where(r => r.Files.Count > 0))
                w.WriteStringValue(r.Release.Version);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteSha(Utf8JsonWriter w, string property, string sha256)
    {
        w.WriteStartObject(property);
        w.WriteString("sha256", sha256);
        w.WriteEndObject();
    }
}
