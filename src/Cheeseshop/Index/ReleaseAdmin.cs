using Cheeseshop.Audit;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Manage;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Index;

/// <summary>
/// Yank, unyank and removal: each writes the journal row and the project event warehouse writes for it. The
/// operator's CLI acts with no user; a user acting (the manage pages) must be an Owner of the project (and, to
/// delete, type its name), which is checked inside the change's transaction, so a role removed at the same
/// moment cannot slip through.
/// </summary>
public sealed class ReleaseAdmin(CheeseshopDb db, IFileStore store, IndexWriter writer, EventRecorder events, TimeProvider clock)
{
    public Task YankAsync(string project, string version, string? reason, Guid? by, CancellationToken ct) =>
        ChangeReleaseAsync(project, version, by, null, ct, async (r, change, p, actor) =>
        {
            if (r.Yanked) throw new AdminException($"{p.Name} {r.Version} is already yanked.", 409);
            r.Yanked = true;
            r.YankedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            change.Journal(p, r.Version, "yank release", by);
            await events.ProjectEventAsync(p.Id, EventTags.Project.ReleaseYanked, by,
                new { submitted_by = actor, canonical_version = r.CanonicalVersion, yanked_reason = r.YankedReason ?? "" }, ct);
        });

    public Task UnyankAsync(string project, string version, Guid? by, CancellationToken ct) =>
        ChangeReleaseAsync(project, version, by, null, ct, async (r, change, p, actor) =>
        {
            if (!r.Yanked) throw new AdminException($"{p.Name} {r.Version} is not yanked.", 409);
            r.Yanked = false;
            r.YankedReason = null;
            change.Journal(p, r.Version, "unyank release", by);
            await events.ProjectEventAsync(p.Id, EventTags.Project.ReleaseUnyanked, by,
                new { submitted_by = actor, canonical_version = r.CanonicalVersion }, ct);
        });

    /// <summary>Removes a release and its files. The filenames stay registered: they can never be reused. A
    /// <paramref name="confirmation"/> (the name a user typed on the manage page) must be the project's displayed
    /// name; it is checked after the Owner check, so someone who may not delete is told that first.</summary>
    public Task RemoveReleaseAsync(string project, string version, Guid? by, CancellationToken ct, string? confirmation = null)
    {
        var removedPaths = new List<string>();
        return ChangeReleaseAsync(project, version, by, confirmation, ct, async (r, change, p, actor) =>
        {
            var files = await db.Files.Where(f => f.ReleaseId == r.Id).ToListAsync(ct);
            foreach (var f in files)
            {
                change.Journal(p, r.Version, $"remove file {f.Filename}", by);
                p.TotalSize -= f.Size;
                removedPaths.Add(f.Path);
            }
            db.Files.RemoveRange(files);
            db.Releases.Remove(r);
            change.Journal(p, r.Version, "remove release", by);
            await events.ProjectEventAsync(p.Id, EventTags.Project.ReleaseRemoved, by,
                new { submitted_by = actor, canonical_version = r.CanonicalVersion }, ct);
        }, removedPaths);
    }

    /// <summary>Removes one file; its filename stays registered. <paramref name="confirmation"/> as for
    /// <see cref="RemoveReleaseAsync"/>.</summary>
    public async Task RemoveFileAsync(string project, string filename, Guid? by, CancellationToken ct, string? confirmation = null)
    {
        var normalized = ProjectName.Normalize(project);
        var file = await db.Files.FirstOrDefaultAsync(f => f.Filename == filename, ct);
        var release = file is null ? null : await db.Releases.Include(r => r.Project).FirstAsync(r => r.Id == file.ReleaseId, ct);
        if (file is null || release!.Project!.NormalizedName != normalized)
            throw new AdminException($"Project '{project}' has no file named '{filename}'.", 404);
        await ChangeReleaseAsync(project, release.Version, by, confirmation, ct, async (r, change, p, actor) =>
        {
            change.Journal(p, r.Version, $"remove file {file.Filename}", by);
            p.TotalSize -= file.Size;
            db.Files.Remove(file);
            await events.ProjectEventAsync(p.Id, EventTags.File.Removed, by,
                new { submitted_by = actor, canonical_version = r.CanonicalVersion, filename = file.Filename, project_id = p.Id.ToString() }, ct);
        }, [file.Path]);
    }

    /// <summary>Removes a whole project (an administrator's act, from the admin pages): its releases and files
    /// go with a journal row each, as mirrors expect; their filenames stay registered and can never be reused.
    /// The name is free again unless it is prohibited. A held project is refused. One admin audit record is saved
    /// with the change.</summary>
    public Task RemoveProjectAsync(string project, string actor, CancellationToken ct)
    {
        var removedPaths = new List<string>();
        return writer.ChangeAsync(async change =>
        {
            var p = await ProjectAsync(project, ct);
            // Removal deletes the project's events and download records, which a legal hold on it (or on a user
            // with a role on it) exists to keep.
            if ((await Privacy.HeldSubjects.LoadAsync(db, clock.GetUtcNow().UtcDateTime, ct)).AllProjects.Contains(p.Id))
                throw new AdminException($"{p.Name} is under a legal hold (on it or on one of its users): it cannot be removed until the hold ends. Yank its releases instead.", 409);
            var releases = await db.Releases.Where(r => r.ProjectId == p.Id).ToListAsync(ct);
            var files = await db.Files.Where(f => f.ProjectId == p.Id).ToListAsync(ct);
            foreach (var r in releases)
            {
                foreach (var f in files.Where(f => f.ReleaseId == r.Id))
                {
                    change.Journal(p, r.Version, $"remove file {f.Filename}", null);
                    removedPaths.Add(f.Path);
                }
                change.Journal(p, r.Version, "remove release", null);
            }
            change.Journal(p, null, "remove project", null);
            db.Files.RemoveRange(files);
            db.Releases.RemoveRange(releases);
            db.Projects.Remove(p);
            db.AdminAudit.Add(new AdminAuditEntry
            {
                Time = clock.GetUtcNow().UtcDateTime, Actor = actor, Action = "project.remove", Subject = p.NormalizedName,
                DetailsJson = System.Text.Json.JsonSerializer.Serialize(new { name = p.Name, releases = releases.Count, files = files.Count }),
            });
            DeleteAfterCommit(change, removedPaths);
        }, ct);
    }

    private Task ChangeReleaseAsync(string project, string version, Guid? by, string? confirmation, CancellationToken ct,
        Func<Release, IndexChange, Project, string?, Task> work, List<string>? pathsToDelete = null) =>
        writer.ChangeAsync(async change =>
        {
            var p = await ProjectAsync(project, ct);
            var actor = by is { } userId ? await OwnerAsync(p, userId, ct) : null;
            if (confirmation is not null && ManageRules.ConfirmProjectName(confirmation, p.Name) is { } problem)
                throw new AdminException(problem);
            if (!PackageVersion.TryParse(version, out var v))
                throw new AdminException($"'{version}' is not a valid version (PEP 440).");
            var canonical = v!.ToString();
            var release = await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == p.Id && r.CanonicalVersion == canonical, ct)
                          ?? throw new AdminException($"Project '{p.Name}' has no release {version}.", 404);
            await work(release, change, p, actor);
            DeleteAfterCommit(change, pathsToDelete ?? []);
        }, ct);

    private async Task<Project> ProjectAsync(string project, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(project.Trim());
        return await db.Projects.FirstOrDefaultAsync(x => x.NormalizedName == normalized, ct)
               ?? throw new AdminException($"No project named '{project.Trim()}'.", 404);
    }

    /// <summary>Files (and their metadata files) go after the commit: a crash in between leaves an unreferenced
    /// file, never a row without its file.</summary>
    private void DeleteAfterCommit(IndexChange change, IReadOnlyList<string> paths) =>
        change.AfterCommit(async c =>
        {
            foreach (var path in paths)
            {
                await store.DeleteAsync(path, c);
                await store.DeleteAsync(path + ".metadata", c);
            }
        });

    /// <summary>The username of <paramref name="userId"/>, who must be an Owner of <paramref name="project"/>.</summary>
    private async Task<string> OwnerAsync(Project project, Guid userId, CancellationToken ct) =>
        await db.Roles.Where(r => r.ProjectId == project.Id && r.UserId == userId && r.RoleName == RoleNames.Owner)
            .Select(r => r.User!.Username).FirstOrDefaultAsync(ct)
        ?? throw new AdminException($"Only Owners of {project.Name} can yank, unyank or delete its releases and files.", 403);
}
