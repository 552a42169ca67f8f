using System.Text;
using Cheeseshop.Data.Entities;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Readme;
using Cheeseshop.Upload;
using static Cheeseshop.Browse.HtmlPage;

namespace Cheeseshop.Browse;

/// <summary>
/// /project/{name}/ and /project/{name}/{version}/: the release shown (the latest, as the JSON API
/// chooses it, or the one asked for), its install command, README, files with their digests, the
/// release history, and a sidebar of the release's metadata and the project's maintainers.
/// </summary>
public static class ProjectPage
{
    public static byte[] Render(HtmlPage page, ProjectSnapshot project, ReleaseSnapshot shown, bool versionPage)
    {
        var name = project.Project.Name;
        var r = shown.Release;
        var title = versionPage ? $"{name} {r.Version}" : name;
        var feed = $"/rss/project/{Seg(project.Project.NormalizedName)}/releases.xml";
        return page.Write(title, sb =>
        {
            Head(sb, project, shown, versionPage);
            sb.Append("<div class=\"layout\">\n<div>\n");
            Description(sb, r);
            Files(sb, shown);
            History(sb, project, shown);
            sb.Append("</div>\n<aside class=\"sidebar\" aria-label=\"Project details\">\n");
            Sidebar(sb, project, shown);
            sb.Append("</aside>\n</div>\n");
        }, feed);
    }

    private static void Head(StringBuilder sb, ProjectSnapshot project, ReleaseSnapshot shown, bool versionPage)
    {
        var r = shown.Release;
        var install = "pip install " + project.Project.Name + (versionPage || project.Latest != shown ? "==" + r.Version : "");
        sb.Append("<div class=\"project-head\">\n<h1>").Append(H(project.Project.Name)).Append(' ').Append(H(r.Version)).Append("</h1>\n");
        if (!string.IsNullOrWhiteSpace(r.Summary)) sb.Append("<p class=\"summary\">").Append(H(r.Summary)).Append("</p>\n");
        sb.Append("<div class=\"copy\"><code id=\"install-command\">").Append(H(install))
            .Append("</code><button type=\"button\" data-copy=\"install-command\" hidden>Copy</button></div>\n")
            .Append("<p class=\"meta\">Released ").Append(Date(r.Created)).Append("</p>\n");
        if (r.Yanked)
        {
            sb.Append("<p class=\"warning\" role=\"note\"><strong>This release has been yanked.</strong> ")
                .Append(string.IsNullOrWhiteSpace(r.YankedReason) ? "No reason was given." : "Reason: " + H(r.YankedReason))
                .Append("</p>\n");
        }
        if (project.Latest is { } latest && latest != shown && !latest.Version.IsPrerelease)
        {
            sb.Append("<p class=\"notice\">A newer version is available: <a href=\"")
                .Append(ReleaseUrl(project, latest)).Append("\">").Append(H(latest.Release.Version)).Append("</a></p>\n");
        }
        sb.Append("</div>\n");
    }

    public static string ProjectUrl(ProjectSnapshot p) => $"/project/{Seg(p.Project.NormalizedName)}/";
    public static string ReleaseUrl(ProjectSnapshot p, ReleaseSnapshot r) => $"{ProjectUrl(p)}{Seg(r.Release.Version)}/";

    private static void Description(StringBuilder sb, Release r)
    {
        sb.Append("<section aria-labelledby=\"description\">\n<h2 id=\"description\">Project description</h2>\n<div class=\"readme\">\n");
        var html = ReadmeRenderer.Render(r.Description, r.DescriptionContentType);
        sb.Append(html.Length > 0 ? html : "<p class=\"meta\">The author of this package has not provided a project description.</p>");
        sb.Append("\n</div>\n</section>\n");
    }

    private static void Files(StringBuilder sb, ReleaseSnapshot shown)
    {
        sb.Append("<section aria-labelledby=\"files\">\n<h2 id=\"files\">Files of ").Append(H(shown.Release.Version)).Append("</h2>\n");
        if (shown.Files.Count == 0) sb.Append("<p class=\"meta\">This release has no files.</p>\n");
        foreach (var f in shown.Files.OrderBy(f => f.PackageType == "sdist" ? 0 : 1).ThenBy(f => f.Filename, StringComparer.Ordinal))
        {
            sb.Append("<div class=\"file\">\n<h3><a href=\"").Append(H(FileUrls.Path(f))).Append("\">").Append(H(f.Filename)).Append("</a></h3>\n")
                .Append("<p class=\"meta\">").Append(f.PackageType == "sdist" ? "Source distribution" : "Built distribution")
                .Append(" · ").Append(Size(f.Size)).Append(" · uploaded ").Append(DateTimeText(f.UploadTime))
                .Append(" · Python: <code>").Append(H(f.PythonVersion)).Append("</code>");
            if (!string.IsNullOrEmpty(f.RequiresPython)) sb.Append(" · Requires-Python ").Append(H(f.RequiresPython));
            sb.Append("</p>\n<dl class=\"digests\"><dt>SHA256</dt><dd>").Append(H(f.Sha256))
                .Append("</dd><dt>MD5</dt><dd>").Append(H(f.Md5))
                .Append("</dd><dt>BLAKE2b-256</dt><dd>").Append(H(f.Blake2b256)).Append("</dd></dl>\n</div>\n");
        }
        sb.Append("</section>\n");
    }

    private static void History(StringBuilder sb, ProjectSnapshot project, ReleaseSnapshot shown)
    {
        sb.Append("<section aria-labelledby=\"history\">\n<h2 id=\"history\">Release history</h2>\n<ol class=\"history\" reversed>\n");
        foreach (var r in project.Releases.Reverse())
        {
            var current = r == shown;
            sb.Append(current ? "<li class=\"current\">" : "<li>")
                .Append("<a href=\"").Append(ReleaseUrl(project, r)).Append('"').Append(current ? " aria-current=\"page\"" : "").Append('>')
                .Append(H(r.Release.Version)).Append("</a> ").Append(Date(r.Release.Created));
            if (r.Version.IsPrerelease) sb.Append("<span class=\"badge pre\">pre-release</span>");
            if (r.Release.Yanked)
            {
                sb.Append("<span class=\"badge yanked\">yanked</span>");
                if (!string.IsNullOrWhiteSpace(r.Release.YankedReason)) sb.Append(" <span class=\"meta\">Reason: ").Append(H(r.Release.YankedReason)).Append("</span>");
            }
            sb.Append("</li>\n");
        }
        sb.Append("</ol>\n</section>\n");
    }

    private static void Sidebar(StringBuilder sb, ProjectSnapshot project, ReleaseSnapshot shown)
    {
        var r = shown.Release;
        var multi = ReleaseMetadata.ReadMulti(r);
        string[] Multi(string field) => multi.TryGetValue(field, out var v) ? v : [];
        var links = JsonApiRenderer.ProjectUrls(r, Multi("Project-URL"));
        if (links.Count > 0)
        {
            sb.Append("<h2>Project links</h2>\n<ul>\n");
            foreach (var (label, url) in links)
            {
                sb.Append("<li>");
                if (Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
                    sb.Append("<a href=\"").Append(H(url)).Append("\" rel=\"nofollow\">").Append(H(label)).Append("</a>");
                else sb.Append(H(label)).Append(": ").Append(H(url));
                sb.Append("</li>\n");
            }
            sb.Append("</ul>\n");
        }
        Facts(sb, r);
        sb.Append("<h2>Maintainers</h2>\n<ul>\n");
        foreach (var role in project.Roles)
            sb.Append("<li><a href=\"/user/").Append(Seg(role.User)).Append("/\">").Append(H(role.User)).Append("</a> <span class=\"meta\">")
                .Append(H(role.Role)).Append("</span></li>\n");
        if (project.Roles.Count == 0) sb.Append("<li class=\"meta\">None</li>\n");
        sb.Append("</ul>\n");
        List(sb, "Classifiers", Multi("Classifier"));
        sb.Append("<p class=\"meta\"><a href=\"/pypi/").Append(Seg(project.Project.NormalizedName)).Append("/json\">JSON</a> · <a href=\"/simple/")
            .Append(Seg(project.Project.NormalizedName)).Append("/\">Simple index</a> · <a href=\"/rss/project/")
            .Append(Seg(project.Project.NormalizedName)).Append("/releases.xml\">RSS</a></p>\n");
    }

    private static void Facts(StringBuilder sb, Release r)
    {
        var license = !string.IsNullOrWhiteSpace(r.LicenseExpression) ? r.LicenseExpression : r.License;
        sb.Append("<h2>Meta</h2>\n<ul>\n");
        if (!string.IsNullOrWhiteSpace(license))
            sb.Append("<li><strong>License:</strong> ").Append(H(license.Length > 200 ? license[..200] + "…" : license)).Append("</li>\n");
        if (!string.IsNullOrWhiteSpace(r.RequiresPython)) sb.Append("<li><strong>Requires:</strong> Python ").Append(H(r.RequiresPython)).Append("</li>\n");
        if (!string.IsNullOrWhiteSpace(r.Author)) sb.Append("<li><strong>Author:</strong> ").Append(H(r.Author)).Append("</li>\n");
        // Keywords are comma-separated in current metadata and space-separated in older uploads.
        var raw = r.Keywords ?? "";
        var keywords = raw.Contains(',') ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (keywords.Length > 0) sb.Append("<li><strong>Keywords:</strong> ").Append(H(string.Join(", ", keywords))).Append("</li>\n");
        sb.Append("</ul>\n");
    }

    private static void List(StringBuilder sb, string heading, string[] items)
    {
        if (items.Length == 0) return;
        sb.Append("<h2>").Append(H(heading)).Append("</h2>\n<ul>\n");
        foreach (var item in items) sb.Append("<li>").Append(H(item)).Append("</li>\n");
        sb.Append("</ul>\n");
    }
}
