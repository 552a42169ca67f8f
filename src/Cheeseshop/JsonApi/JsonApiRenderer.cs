using System.Text.Json;
using Cheeseshop.Data.Entities;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.Upload;

namespace Cheeseshop.JsonApi;

/// <summary>
/// /pypi/{project}/json and /pypi/{project}/{version}/json with warehouse's keys (docs/compatibility.md),
/// written in sorted key order as warehouse's renderer does.
/// </summary>
public static class JsonApiRenderer
{
    /// <param name="origin">Scheme and host for absolute URLs, e.g. "http://127.0.0.1:8000".</param>
    /// <param name="shown">The release whose info and urls are shown.</param>
    /// <param name="includeReleases">True on the project route; the version route has no "releases".</param>
    public static byte[] Render(ProjectSnapshot p, ReleaseSnapshot shown, string origin, bool includeReleases) =>
        JsonText.Write(w =>
        {
            w.WriteStartObject();
            WriteInfo(w, p, shown, origin);
            w.WriteNumber("last_serial", p.Project.LastSerial);
            w.WriteStartObject("ownership");
            w.WriteNull("organization");
            w.WriteStartArray("roles");
            foreach (var r in p.Roles)
            {
                w.WriteStartObject();
                w.WriteString("role", r.Role);
                w.WriteString("user", r.User);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            if (includeReleases)
            {
                w.WriteStartObject("releases");
                foreach (var r in p.Releases)
                {
                    w.WriteStartArray(r.Release.Version);
                    foreach (var f in r.Files) WriteFile(w, r, f, origin);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteStartArray("urls");
            foreach (var f in shown.Files) WriteFile(w, shown, f, origin);
            w.WriteEndArray();
            w.WriteStartArray("vulnerabilities");
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteInfo(Utf8JsonWriter w, ProjectSnapshot p, ReleaseSnapshot shown, string origin)
    {
        var r = shown.Release;
        var multi = ReleaseMetadata.ReadMulti(r);
        string[]? Multi(string field) => multi.TryGetValue(field, out var v) ? v : null;
        var projectUrl = $"{origin}/project/{p.Project.Name}/";

        w.WriteStartObject("info");
        w.WriteString("author", r.Author ?? "");
        w.WriteString("author_email", r.AuthorEmail ?? "");
        w.WriteNull("bugtrack_url");
        WriteList(w, "classifiers", Multi("Classifier") ?? []);
        w.WriteString("description", r.Description ?? "");
        w.WriteString("description_content_type", r.DescriptionContentType);
        w.WriteNull("docs_url");
        w.WriteString("download_url", r.DownloadUrl ?? "");
        w.WriteStartObject("downloads");
        w.WriteNumber("last_day", -1);
        w.WriteNumber("last_month", -1);
        w.WriteNumber("last_week", -1);
        w.WriteEndObject();
        WriteListOrNull(w, "dynamic", Multi("Dynamic"));
        w.WriteString("home_page", r.HomePage ?? "");
        w.WriteString("keywords", r.Keywords ?? "");
        w.WriteString("license", r.License ?? "");
        w.WriteString("license_expression", r.LicenseExpression);
        WriteListOrNull(w, "license_files", Multi("License-File"));
        w.WriteString("maintainer", r.Maintainer ?? "");
        w.WriteString("maintainer_email", r.MaintainerEmail ?? "");
        w.WriteString("name", p.Project.Name);
        w.WriteString("package_url", projectUrl);
        w.WriteString("platform", r.Platform);
        w.WriteString("project_url", projectUrl);
        var urls = ProjectUrls(r, Multi("Project-URL"));
        if (urls.Count == 0) w.WriteNull("project_urls");
        else
        {
            w.WriteStartObject("project_urls");
            foreach (var (label, url) in urls) w.WriteString(label, url);
            w.WriteEndObject();
        }
        WriteListOrNull(w, "provides_extra", Multi("Provides-Extra"));
        w.WriteString("release_url", $"{projectUrl}{r.Version}/");
        WriteListOrNull(w, "requires_dist", Multi("Requires-Dist"));
        w.WriteString("requires_python", r.RequiresPython ?? "");
        w.WriteString("summary", r.Summary ?? "");
        w.WriteString("version", r.Version);
        w.WriteBoolean("yanked", r.Yanked);
        w.WriteString("yanked_reason", r.Yanked ? r.YankedReason : null);
        w.WriteEndObject();
    }

    /// <summary>Project-URL entries ("Label, url"), with Homepage and Download added from the legacy
    /// fields when no entry with that label exists (PEP 753 label normalization).</summary>
    internal static List<(string Label, string Url)> ProjectUrls(Release r, string[]? entries)
    {
        var result = new List<(string, string)>();
        foreach (var entry in entries ?? [])
        {
            var comma = entry.IndexOf(',');
            if (comma < 0) continue;
            result.Add((entry[..comma].Trim(), entry[(comma + 1)..].Trim()));
        }
        static string Norm(string label) => new string(label.Where(c => !char.IsPunctuation(c) && !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
        if (!string.IsNullOrEmpty(r.HomePage) && result.All(u => Norm(u.Item1) != "homepage")) result.Add(("Homepage", r.HomePage));
        if (!string.IsNullOrEmpty(r.DownloadUrl) && result.All(u => Norm(u.Item1) != "download")) result.Add(("Download", r.DownloadUrl));
        return result;
    }

    private static void WriteFile(Utf8JsonWriter w, ReleaseSnapshot release, ReleaseFile f, string origin)
    {
        w.WriteStartObject();
        w.WriteNull("comment_text");
        w.WriteStartObject("digests");
        w.WriteString("blake2b_256", f.Blake2b256);
        w.WriteString("md5", f.Md5);
        w.WriteString("sha256", f.Sha256);
        w.WriteEndObject();
        w.WriteNumber("downloads", -1);
        w.WriteString("filename", f.Filename);
        w.WriteBoolean("has_sig", false);
        w.WriteString("md5_digest", f.Md5);
        w.WriteString("packagetype", f.PackageType);
        w.WriteString("python_version", f.PythonVersion);
        w.WriteString("requires_python", string.IsNullOrEmpty(f.RequiresPython) ? null : f.RequiresPython);
        w.WriteNumber("size", f.Size);
        w.WriteString("upload_time", f.UploadTime.ToString("yyyy-MM-dd'T'HH:mm:ss"));
        w.WriteString("upload_time_iso_8601", JsonText.IsoTime(f.UploadTime));
        w.WriteString("url", origin + FileUrls.Path(f));
        w.WriteBoolean("yanked", release.Release.Yanked);
        w.WriteString("yanked_reason", release.Release.Yanked ? release.Release.YankedReason : null);
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteListOrNull(Utf8JsonWriter w, string name, string[]? values)
    {
        if (values is null) w.WriteNull(name);
        else WriteList(w, name, values);
    }
}
