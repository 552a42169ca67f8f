using System.Text;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Xmlrpc;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Upload;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Xmlrpc;

/// <summary>
/// The XML-RPC methods mirrors use (bandersnatch follows changelog_since_serial and
/// list_packages_with_serial). Shapes follow warehouse (docs/compatibility.md); the methods warehouse
/// has switched off but older mirror tools still call (changelog, list_packages, package_releases,
/// release_urls, release_data) answer with their old shapes. The journal never shows who submitted a change.
/// </summary>
public sealed class XmlRpcMethods(CheeseshopDb db)
{
    private const int MaxChangelogRows = 50_000;
    private const string DeprecatedUrl = "https://warehouse.pypa.io/api-reference/xml-rpc.html#deprecated-methods";

    public Task<object?> CallAsync(XmlRpcCall call, string origin, CancellationToken ct)
    {
        var p = new XmlRpcParameters(call.Params);
        return call.MethodName switch
        {
            "changelog_last_serial" => ChangelogLastSerialAsync(p, ct),
            "changelog_since_serial" => ChangelogSinceSerialAsync(p, ct),
            "changelog" => ChangelogAsync(p, ct),
            "list_packages_with_serial" => ListPackagesWithSerialAsync(p, ct),
            "list_packages" => ListPackagesAsync(p, ct),
            "package_roles" => PackageRolesAsync(p, ct),
            "user_packages" => UserPackagesAsync(p, ct),
            "package_releases" => PackageReleasesAsync(p, ct),
            "release_urls" => ReleaseUrlsAsync(p, origin, ct),
            "release_data" => ReleaseDataAsync(p, origin, ct),
            "browse" => BrowseAsync(p, ct),
            "search" => Answer(XmlRpcFault.Wrapped("RuntimeError", "Cheeseshop does not support 'pip search' (or XML-RPC search). Search at /search/ in a browser instead.")),
            "top_packages" => Answer(XmlRpcFault.Wrapped("RuntimeError", $"This API has been removed. Use the download statistics API instead. See {DeprecatedUrl} for more information.")),
            "package_data" or "package_urls" => Answer(XmlRpcFault.Wrapped("RuntimeError", $"This API has been deprecated. See {DeprecatedUrl} for more information.")),
            "system.multicall" => Answer(XmlRpcFault.Wrapped("ValueError", "MultiCall requests have been deprecated, use individual requests instead.")),
            _ => Answer(XmlRpcFault.MethodNotFound),
        };
    }

    private static Task<object?> Answer(object? value) => Task.FromResult(value);

    // Each method reads all its parameters before checking them, so that every problem is reported at once.

    private async Task<object?> ChangelogLastSerialAsync(XmlRpcParameters p, CancellationToken ct) =>
        Check(p) ?? (object?)await db.Journals.MaxAsync(j => (long?)j.Id, ct);

    private async Task<object?> ChangelogSinceSerialAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var serial = p.Integer("serial");
        if (Check(p) is { } fault) return fault;
        var rows = await db.Journals.AsNoTracking().Where(j => j.Id > serial).OrderBy(j => j.Id).Take(MaxChangelogRows).ToListAsync(ct);
        return rows.Select(j => (object?)Changelog(j, withId: true)).ToList();
    }

    private async Task<object?> ChangelogAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var since = p.Integer("since");
        var withIds = p.Boolean("with_ids", false);
        if (Check(p) is { } fault) return fault;
        var after = DateTime.UnixEpoch.AddSeconds(Math.Clamp(since, 0, 253402300799));
        var rows = await db.Journals.AsNoTracking().Where(j => j.SubmittedDate > after).OrderBy(j => j.Id).Take(MaxChangelogRows).ToListAsync(ct);
        return rows.Select(j => (object?)Changelog(j, withIds)).ToList();
    }

    private async Task<object?> ListPackagesWithSerialAsync(XmlRpcParameters p, CancellationToken ct)
    {
        if (Check(p) is { } fault) return fault;
        var rows = await db.Projects.AsNoTracking().OrderBy(x => x.NormalizedName).Select(x => new { x.Name, x.LastSerial }).ToListAsync(ct);
        return rows.Select(r => new KeyValuePair<string, object?>(r.Name, r.LastSerial)).ToList();
    }

    private async Task<object?> ListPackagesAsync(XmlRpcParameters p, CancellationToken ct)
    {
        if (Check(p) is { } fault) return fault;
        return (await db.Projects.AsNoTracking().OrderBy(x => x.NormalizedName).Select(x => x.Name).ToListAsync(ct)).Cast<object?>().ToList();
    }

    private async Task<object?> PackageRolesAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var name = p.String("package_name");
        if (Check(p) is { } fault) return fault;
        var normalized = ProjectName.Normalize(name);
        var roles = await db.Roles.AsNoTracking().Where(r => r.Project!.NormalizedName == normalized)
            .Select(r => new { r.RoleName, r.User!.Username }).ToListAsync(ct);
        return roles.OrderByDescending(r => r.RoleName, StringComparer.Ordinal).ThenBy(r => r.Username, StringComparer.Ordinal)
            .Select(r => (object?)new object?[] { r.RoleName, r.Username }).ToList();
    }

    private async Task<object?> UserPackagesAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var username = p.String("username");
        if (Check(p) is { } fault) return fault;
        var normalized = Core.Accounts.Usernames.Normalize(username);
        var roles = await db.Roles.AsNoTracking().Where(r => r.User!.NormalizedUsername == normalized)
            .Select(r => new { r.RoleName, r.Project!.Name }).ToListAsync(ct);
        return roles.OrderByDescending(r => r.RoleName, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => (object?)new object?[] { r.RoleName, r.Name }).ToList();
    }

    private async Task<object?> PackageReleasesAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var name = p.String("package_name");
        var showHidden = p.Boolean("show_hidden", false);
        if (Check(p) is { } fault) return fault;
        var snapshot = await ProjectSnapshot.LoadAsync(db, ProjectName.Normalize(name), ct);
        if (snapshot is null) return new List<object?>();
        if (showHidden)
            return snapshot.Releases.Reverse().Select(r => (object?)r.Release.Version).ToList();
        var latest = snapshot.Latest;
        return latest is null || latest.Release.Yanked ? new List<object?>() : new List<object?> { latest.Release.Version };
    }

    private async Task<object?> ReleaseUrlsAsync(XmlRpcParameters p, string origin, CancellationToken ct)
    {
        var name = p.String("package_name");
        var version = p.String("version");
        if (Check(p) is { } fault) return fault;
        var snapshot = await ProjectSnapshot.LoadAsync(db, ProjectName.Normalize(name), ct);
        var release = snapshot?.Find(version);
        return release is null ? new List<object?>() : release.Files.Select(f => (object?)ReleaseUrl(f, origin)).ToList();
    }

    private async Task<object?> ReleaseDataAsync(XmlRpcParameters p, string origin, CancellationToken ct)
    {
        var name = p.String("package_name");
        var version = p.String("version");
        if (Check(p) is { } fault) return fault;
        var snapshot = await ProjectSnapshot.LoadAsync(db, ProjectName.Normalize(name), ct);
        var release = snapshot?.Find(version);
        return release is null ? new Dictionary<string, object?>() : ReleaseData(snapshot!, release, origin);
    }

    private async Task<object?> BrowseAsync(XmlRpcParameters p, CancellationToken ct)
    {
        var classifiers = p.StringList("classifiers");
        if (Check(p) is { } fault) return fault;
        return await BrowseAsync(classifiers, ct);
    }

    private static XmlRpcFault? Check(XmlRpcParameters p) => p.Problems();

    private static object?[] Changelog(JournalEntry j, bool withId)
    {
        var ts = new DateTimeOffset(j.SubmittedDate).ToUnixTimeSeconds();
        return withId
            ? [j.Name, j.Version, ts, EscapeAction(j.Action), j.Id]
            : [j.Name, j.Version, ts, EscapeAction(j.Action)];
    }

    /// <summary>As warehouse: non-ASCII characters become the literal text "&amp;#NNNN;" and characters
    /// XML cannot carry are dropped, so every client can parse the changelog.</summary>
    public static string EscapeAction(string action)
    {
        var sb = new StringBuilder(action.Length);
        foreach (var rune in action.EnumerateRunes())
        {
            if (rune.Value < 0x20 && rune.Value is not (0x09 or 0x0A or 0x0D)) continue;
            if (rune.Value < 0x80) sb.Append((char)rune.Value);
            else sb.Append("&#").Append(rune.Value).Append(';');
        }
        return sb.ToString();
    }

    private static Dictionary<string, object?> ReleaseUrl(ReleaseFile f, string origin)
    {
        var uploaded = f.UploadTime.ToString("yyyy-MM-dd'T'HH:mm:ss") + "Z";
        return new Dictionary<string, object?>
        {
            ["comment_text"] = "",
            ["digests"] = new Dictionary<string, object?> { ["md5"] = f.Md5, ["sha256"] = f.Sha256 },
            ["downloads"] = -1,
            ["filename"] = f.Filename,
            ["has_sig"] = false,
            ["md5_digest"] = f.Md5,
            ["packagetype"] = f.PackageType,
            ["path"] = f.Path,
            ["python_version"] = f.PythonVersion,
            ["sha256_digest"] = f.Sha256,
            ["size"] = f.Size,
            ["upload_time"] = uploaded,
            ["upload_time_iso_8601"] = JsonText.IsoTime(f.UploadTime),
            ["url"] = origin + FileUrls.Path(f),
        };
    }

    private static Dictionary<string, object?> ReleaseData(ProjectSnapshot p, ReleaseSnapshot r, string origin)
    {
        var rel = r.Release;
        var multi = ReleaseMetadata.ReadMulti(rel);
        List<object?> Multi(string field) => (multi.TryGetValue(field, out var v) ? v : []).Cast<object?>().ToList();
        var projectUrl = $"{origin}/project/{p.Project.Name}/";
        var ordering = p.Releases.ToList().FindIndex(x => x.Release.Id == rel.Id);
        return new Dictionary<string, object?>
        {
            ["_pypi_ordering"] = ordering,
            ["author"] = rel.Author, ["author_email"] = rel.AuthorEmail,
            ["bugtrack_url"] = null,
            ["cheesecake_code_kwalitee_id"] = null, ["cheesecake_documentation_id"] = null, ["cheesecake_installability_id"] = null,
            ["classifiers"] = Multi("Classifier"),
            ["description"] = rel.Description,
            ["docs_url"] = null,
            ["download_url"] = rel.DownloadUrl,
            ["downloads"] = new Dictionary<string, object?> { ["last_day"] = -1, ["last_month"] = -1, ["last_week"] = -1 },
            ["home_page"] = rel.HomePage,
            ["keywords"] = rel.Keywords,
            ["license"] = rel.License,
            ["maintainer"] = rel.Maintainer, ["maintainer_email"] = rel.MaintainerEmail,
            ["name"] = p.Project.Name,
            ["obsoletes"] = Multi("Obsoletes"), ["obsoletes_dist"] = Multi("Obsoletes-Dist"),
            ["package_url"] = projectUrl,
            ["platform"] = rel.Platform,
            ["project_url"] = Multi("Project-URL"),
            ["provides"] = Multi("Provides"), ["provides_dist"] = Multi("Provides-Dist"),
            ["release_url"] = $"{projectUrl}{rel.Version}/",
            ["requires"] = Multi("Requires"), ["requires_dist"] = Multi("Requires-Dist"),
            ["requires_external"] = Multi("Requires-External"),
            ["requires_python"] = rel.RequiresPython,
            ["stable_version"] = null,
            ["summary"] = rel.Summary,
            ["version"] = rel.Version,
        };
    }

    private async Task<List<object?>> BrowseAsync(IReadOnlyList<string> classifiers, CancellationToken ct)
    {
        if (classifiers.Count == 0) return [];
        // Classifiers live in each release's JSON; filter in memory over the releases that mention the first one.
        var first = classifiers[0];
        var candidates = await db.Releases.AsNoTracking().Include(r => r.Project)
            .Where(r => r.MultiFieldsJson.Contains(first)).ToListAsync(ct);
        return candidates
            .Where(r => ReleaseMetadata.ReadMulti(r).TryGetValue("Classifier", out var cs) && classifiers.All(cs.Contains))
            .OrderBy(r => r.Project!.Name, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal)
            .Select(r => (object?)new object?[] { r.Project!.Name, r.Version }).ToList();
    }
}
