using System.Text.RegularExpressions;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>
/// 8. packages: the roles the subject has and had (from the change log), and every release and file the
/// subject uploaded. Uploads are found in the change log ("new release", "add py3 file NAME"), which is
/// kept for ever, so removed files are listed too, with when they were removed ("remove file", "remove
/// release", "remove project"). A removed file's SHA-256 is not kept, so only present files carry one.
/// </summary>
public sealed partial class PackagesGenerator : ICategoryGenerator
{
    public static readonly TableSpec Roles = new("roles", "Roles the subject has or had on projects.",
    [
        Text("project", "The project"),
        Text("role", "Owner or Maintainer"),
        Time("from", "When the role began (empty when not recorded)"),
        Time("to", "When it ended (empty while current)"),
        Text("began", "How it began"),
        Text("ended", "How it ended, or current"),
    ]);

    public static readonly TableSpec Releases = new("releases", "Releases the subject created by uploading their first file.",
    [
        Text("project", "The project"),
        Text("version", "The version"),
        Time("uploaded", "When"),
        Text("status", "present or removed"),
        Time("removed", "When it was removed, if it was"),
    ]);

    public static readonly TableSpec Files = new("files", "Files the subject uploaded.",
    [
        Text("filename", "The file's name (never reusable)"),
        Text("project", "The project"),
        Text("version", "The release's version"),
        Text("sha256", "The file's SHA-256 (present files only)"),
        Integer("size", "Bytes (present files only)"),
        Time("uploaded", "When"),
        Text("status", "present or removed"),
        Time("removed", "When it was removed, if it was"),
    ]);

    [GeneratedRegex(@"^add \S+ file (?<name>.+)$")]
    private static partial Regex AddFile();

    public string Key => Core.Disclosure.Categories.Packages;

    private sealed record Upload(long Serial, string Project, string? Version, DateTime Time, string? Filename);

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var roles = await s.RolesAsync(ct);
        var roleTable = await tables.WriteAsync(Roles, w =>
        {
            foreach (var r in roles.Intervals) w.Add(r.Project, r.Role, r.From, r.To, r.Started, r.Ended);
        });

        var releaseTable = await tables.WriteAsync(Releases, async w =>
        {
            await foreach (var uploads in UploadsAsync(s, releases: true, ct))
            {
                var removals = await RemovalsAsync(s, uploads, ct);
                var projectKeys = uploads.Select(u => ProjectName.Normalize(u.Project)).Distinct().ToList();
                // Only the page's versions: not every release of every project the page touches (checked as pairs below).
                var versions = uploads.Select(u => u.Version ?? "").Distinct().ToList();
                var existing = (await s.Db.Releases.AsNoTracking().Where(r => projectKeys.Contains(r.Project!.NormalizedName) && versions.Contains(r.Version))
                        .Select(r => new { r.Project!.NormalizedName, r.Version }).ToListAsync(ct))
                    .Select(r => (r.NormalizedName, r.Version)).ToHashSet();
                foreach (var u in uploads)
                {
                    if (existing.Contains((ProjectName.Normalize(u.Project), u.Version ?? ""))) w.Add(u.Project, u.Version, u.Time, "present", null);
                    else if (removals.ReleaseRemoved(u) is { } removed) w.Add(u.Project, u.Version, u.Time, "removed", removed);
                    else w.Add(u.Project, u.Version, u.Time, NotRecorded, null);
                }
            }
        });

        var fileTable = await tables.WriteAsync(Files, async w =>
        {
            await foreach (var uploads in UploadsAsync(s, releases: false, ct))
            {
                var removals = await RemovalsAsync(s, uploads, ct);
                var filenames = uploads.Select(u => u.Filename!).ToList();
                var present = await s.Db.Files.AsNoTracking().Where(f => filenames.Contains(f.Filename))
                    .Select(f => new { f.Filename, f.Sha256, f.Size }).ToDictionaryAsync(f => f.Filename, ct);
                foreach (var u in uploads)
                {
                    if (present.TryGetValue(u.Filename!, out var f)) w.Add(u.Filename, u.Project, u.Version, f.Sha256, f.Size, u.Time, "present", null);
                    else if (removals.FileRemoved(u) is { } removed) w.Add(u.Filename, u.Project, u.Version, null, null, u.Time, "removed", removed);
                    else w.Add(u.Filename, u.Project, u.Version, null, null, u.Time, NotRecorded, null);
                }
            }
        });
        var projects = roles.Intervals.Select(r => ProjectName.Normalize(r.Project)).Distinct().LongCount();
        return new CategoryOutcome(roleTable.Rows + releaseTable.Rows + fileTable.Rows > 0,
            CategoryStatements.Packages(projects, releaseTable.Rows, fileTable.Rows));
    }

    private const string NotRecorded = "removed (when is not recorded)";

    /// <summary>The subject's uploads in the change log, page by page: "new release" rows, or "add ... file NAME" rows.</summary>
    private static async IAsyncEnumerable<List<Upload>> UploadsAsync(SubjectScope s, bool releases,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var page in Paging.PagesAsync(after =>
                       {
                           var q = s.Db.Journals.AsNoTracking()
                               .Where(j => j.SubmittedById == s.Id && j.Id > after && j.SubmittedDate >= s.From && j.SubmittedDate < s.End);
                           q = releases ? q.Where(j => j.Action == "new release") : q.Where(j => j.Action.StartsWith("add ") && j.Action.Contains(" file "));
                           return q.OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Version, j.Action, j.SubmittedDate });
                       }, r => r.Id, ct))
        {
            var uploads = new List<Upload>();
            foreach (var j in page)
            {
                if (releases) uploads.Add(new Upload(j.Id, j.Name, j.Version, j.SubmittedDate, null));
                else if (AddFile().Match(j.Action) is { Success: true } m) uploads.Add(new Upload(j.Id, j.Name, j.Version, j.SubmittedDate, m.Groups["name"].Value));
            }
            if (uploads.Count > 0) yield return uploads;
        }
    }

    /// <summary>The removals that can concern a page of uploads: of their files, releases and projects, after the first of them.</summary>
    private static async Task<Removals> RemovalsAsync(SubjectScope s, List<Upload> uploads, CancellationToken ct)
    {
        var names = uploads.Select(u => u.Project).Distinct().ToList();
        var after = uploads.Min(u => u.Serial);
        var rows = await s.Db.Journals.AsNoTracking()
            .Where(j => j.Id > after && names.Contains(j.Name)
                        && (j.Action == "remove release" || j.Action == "remove project" || j.Action.StartsWith("remove file ")))
            .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Version, j.Action, j.SubmittedDate }).ToListAsync(ct);
        return new Removals(rows.Select(r => (r.Id, r.Name, r.Version, r.Action, r.SubmittedDate)).ToList());
    }

    private sealed class Removals(List<(long Serial, string Project, string? Version, string Action, DateTime Time)> rows)
    {
        public DateTime? FileRemoved(Upload u) =>
            rows.FirstOrDefault(r => r.Serial > u.Serial && (r.Action == "remove file " + u.Filename || SameRelease(r, u) || SameProject(r, u))).Time is var t && t != default ? t : null;

        public DateTime? ReleaseRemoved(Upload u) =>
            rows.FirstOrDefault(r => r.Serial > u.Serial && (SameRelease(r, u) || SameProject(r, u))).Time is var t && t != default ? t : null;

        private static bool SameRelease((long Serial, string Project, string? Version, string Action, DateTime Time) r, Upload u) =>
            r.Action == "remove release" && r.Version == u.Version && ProjectName.Normalize(r.Project) == ProjectName.Normalize(u.Project);

        private static bool SameProject((long Serial, string Project, string? Version, string Action, DateTime Time) r, Upload u) =>
            r.Action == "remove project" && ProjectName.Normalize(r.Project) == ProjectName.Normalize(u.Project);
    }
}
