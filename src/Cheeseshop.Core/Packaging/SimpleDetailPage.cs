using System.Net;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Json;

namespace Cheeseshop.Core.Packaging;

/// <summary>A file as a project's Simple page lists it, with the URL clients fetch it from here.</summary>
public sealed record PageFile(
    string Filename, string Url, string Sha256, string? RequiresPython, bool Yanked, string? YankedReason,
    long? Size, string? UploadTime, string? MetadataSha256);

/// <summary>
/// A project's Simple API page, for local, proxied and merged projects alike: warehouse's HTML line for line
/// (clients and mirrors have parsed that exact text for years), PEP 691 JSON with sorted keys and PEP 700's
/// additions, plus PEP 708's <c>tracks</c> when a local project merges an upstream's files. Size and upload
/// time are left out of the JSON only for an upstream's file that came without them.
/// </summary>
public static class SimpleDetailPage
{
    public const string ApiVersion = "1.4";

    public static byte[] Html(string normalized, IReadOnlyList<PageFile> files, long serial, IReadOnlyList<string> tracks)
    {
        var sb = new StringBuilder(512 + files.Count * 200);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n");
        sb.Append("    <meta name=\"pypi:repository-version\" content=\"").Append(ApiVersion).Append("\">\n");
        foreach (var t in tracks) sb.Append("    <meta name=\"pypi:tracks\" content=\"").Append(WebUtility.HtmlEncode(t)).Append("\">\n");
        sb.Append("    \n");
        sb.Append("    <meta name=\"pypi:project-status\" content=\"active\">\n");
        sb.Append("    <title>Links for ").Append(normalized).Append("</title>\n  </head>\n  <body>\n");
        sb.Append("    <h1>Links for ").Append(normalized).Append("</h1>\n");
        foreach (var f in files)
        {
            sb.Append("    <a href=\"").Append(WebUtility.HtmlEncode(f.Url)).Append("#sha256=").Append(f.Sha256).Append("\" ");
            if (f.RequiresPython is { } rp) sb.Append("data-requires-python=\"").Append(WebUtility.HtmlEncode(rp)).Append("\" ");
            if (f.Yanked) sb.Append("data-yanked=\"").Append(WebUtility.HtmlEncode(f.YankedReason ?? "")).Append("\" ");
            if (f.MetadataSha256 is { } m)
                sb.Append("data-dist-info-metadata=\"sha256=").Append(m).Append("\" data-core-metadata=\"sha256=").Append(m).Append('"');
            sb.Append('>').Append(WebUtility.HtmlEncode(f.Filename)).Append("</a><br />\n");
        }
        sb.Append("    </body>\n</html>\n<!--SERIAL ").Append(serial).Append("-->");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <param name="versions">PEP 700's versions, ascending; by default those the filenames name.</param>
    public static byte[] Json(string normalized, IReadOnlyList<PageFile> files, long serial, IReadOnlyList<string> tracks,
        IReadOnlyList<string>? versions = null) =>
        JsonBytes.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("files");
            foreach (var f in files) WriteFile(w, f);
            w.WriteEndArray();
            w.WriteStartObject("meta");
            w.WriteNumber("_last-serial", serial);
            w.WriteString("api-version", ApiVersion);
            if (tracks.Count > 0)
            {
                w.WriteStartArray("tracks");
                foreach (var t in tracks) w.WriteStringValue(t);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteString("name", normalized);
            w.WriteStartObject("project-status");
            w.WriteString("status", "active");
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var v in versions ?? Versions(normalized, files)) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }, newline: true);

    private static void WriteFile(Utf8JsonWriter w, PageFile f)
    {
        w.WriteStartObject();
        if (f.MetadataSha256 is { } m)
        {
            Sha(w, "core-metadata", m);
            Sha(w, "data-dist-info-metadata", m);
        }
        else
        {
            w.WriteBoolean("core-metadata", false);
            w.WriteBoolean("data-dist-info-metadata", false);
        }
        w.WriteString("filename", f.Filename);
        Sha(w, "hashes", f.Sha256);
        w.WriteNull("provenance");
        if (f.RequiresPython is null) w.WriteNull("requires-python");
        else w.WriteString("requires-python", f.RequiresPython);
        if (f.Size is { } size) w.WriteNumber("size", size);
        if (f.UploadTime is { } time) w.WriteString("upload-time", time);
        w.WriteString("url", f.Url);
        if (f.Yanked && !string.IsNullOrEmpty(f.YankedReason)) w.WriteString("yanked", f.YankedReason);
        else w.WriteBoolean("yanked", f.Yanked);
        w.WriteEndObject();
    }

    private static void Sha(Utf8JsonWriter w, string property, string sha256)
    {
        w.WriteStartObject(property);
        w.WriteString("sha256", sha256);
        w.WriteEndObject();
    }

    /// <summary>The versions the files belong to, ascending by PEP 440 (PEP 700's <c>versions</c>); a file whose
    /// name says no version this index can read adds none.</summary>
    public static IReadOnlyList<string> Versions(string normalized, IEnumerable<PageFile> files) =>
        files.Select(f => VersionOf(normalized, f.Filename)).OfType<PackageVersion>().Distinct().Order().Select(v => v.ToString()).ToList();

    /// <summary>The version a distribution's filename names: a wheel's second part, or what follows the
    /// project's name in an sdist (whose name may itself hold dashes).</summary>
    public static PackageVersion? VersionOf(string normalized, string filename)
    {
        string? version = null;
        if (filename.EndsWith(".whl", StringComparison.OrdinalIgnoreCase))
        {
            var parts = filename[..^4].Split('-');
            if (parts.Length >= 5) version = parts[1];
        }
        else
        {
            var stem = SdistExtensions.FirstOrDefault(e => filename.EndsWith(e, StringComparison.OrdinalIgnoreCase)) is { } ext ? filename[..^ext.Length] : null;
            for (var i = stem?.IndexOf('-') ?? -1; i > 0; i = stem!.IndexOf('-', i + 1))
            {
                if (ProjectName.Normalize(stem![..i]) == normalized)
                {
                    version = stem[(i + 1)..];
                    break;
                }
            }
        }
        return version is not null && PackageVersion.TryParse(version, out var parsed) ? parsed : null;
    }

    private static readonly string[] SdistExtensions = [".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar"];
}
