using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Index;

/// <summary>Yank, unyank and removal: each writes the journal row warehouse writes for it.</summary>
public sealed class ReleaseAdmin(CheeseshopDb db, IFileStore store, IndexWriter writer)
{
    public Task YankAsync(string project, string version, string? reason, Guid? by, CancellationToken ct) =>
        ChangeReleaseAsync(project, version, by, ct, (r, change, p) =>
        {
            if (r.Yanked) throw new AdminException($"{p.Name} {r.Version} is already yanked.");
            r.Yanked = true;
            r.YankedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            change.Journal(p, r.Version, "yank release", by);
            return Task.CompletedTask;
        });

    public Task UnyankAsync(string project, string version, Guid? by, CancellationToken ct) =>
        ChangeReleaseAsync(project, version, by, ct, (r, change, p) =>
        {
            if (!r.Yanked) throw new AdminException($"{p.Name} {r.Version} is not yanked.");
            r.Yanked = false;
            r.YankedReason = null;
            change.Journal(p, r.Version, "unyank release", by);
            return Task.CompletedTask;
        });

    /// <summary>Removes a release and its files. The filenames stay registered: they can never be reused.</summary>
    public Task RemoveReleaseAsync(string project, string version, Guid? by, CancellationToken ct)
    {
        var removedPaths = new List<string>();
        return ChangeReleaseAsync(project, version, by, ct, async (r, change, p) =>
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
        }, removedPaths);
    }

    public async Task RemoveFileAsync(string project, string filename, Guid? by, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(project);
        var file = await db.Files.FirstOrDefaultAsync(f => f.Filename == filename, ct);
        var release = file is null ? null : await db.Releases.Include(r => r.Project).FirstAsync(r => r.Id == file.ReleaseId, ct);
        if (file is null || release!.Project!.NormalizedName != normalized)
            throw new AdminException($"Project '{project}' has no file named '{filename}'.");
        await ChangeReleaseAsync(project, release.Version, by, ct, (r, change, p) =>
        {
            change.Journal(p, r.Version, $"remove file {file.Filename}", by);
            p.TotalSize -= file.Size;
            db.Files.Remove(file);
            return Task.CompletedTask;
        }, [file.Path]);
    }

    private Task ChangeReleaseAsync(string project, string version, Guid? by, CancellationToken ct,
        Func<Release, IndexChange, Project, Task> work, List<string>? pathsToDelete = null) =>
        writer.ChangeAsync(async change =>
        {
            var normalized = ProjectName.Normalize(project);
            var p = await db.Projects.FirstOrDefaultAsync(x => x.NormalizedName == normalized, ct)
                    ?? throw new AdminException($"No project named '{project}'.");
            if (!PackageVersion.TryParse(version, out var v))
                throw new AdminException($"'{version}' is not a valid version (PEP 440).");
            var canonical = v!.ToString();
            var release = await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == p.Id && r.CanonicalVersion == canonical, ct)
                          ?? throw new AdminException($"Project '{p.Name}' has no release {version}.");
            await work(release, change, p);
            // Files go after the commit: a crash in between leaves an unreferenced file, never a row without its file.
            change.AfterCommit(async c =>
            {
                foreach (var path in pathsToDelete ?? [])
                {
                    await store.DeleteAsync(path, c);
                    await store.DeleteAsync(path + ".metadata", c);
                }
            });
        }, ct);
}
