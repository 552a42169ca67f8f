using System.Runtime.CompilerServices;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Cheeseshop.Index;

/// <summary>One project as the read APIs see it: releases in PEP 440 order, each with its files.</summary>
public sealed record ProjectSnapshot(Project Project, IReadOnlyList<ReleaseSnapshot> Releases, IReadOnlyList<RoleSnapshot> Roles)
{
    /// <summary>warehouse's choice of "the" version: not yanked first, then finals before pre-releases,
    /// then the highest version. May have no files.</summary>
    public ReleaseSnapshot? Latest => Releases
        .OrderBy(r => r.Release.Yanked)
        .ThenBy(r => r.Version.IsPrerelease)
        .ThenByDescending(r => r.Version)
        .FirstOrDefault();

    /// <summary>Finds a release by the canonical form of a version ("1.0.0" finds "1.0").</summary>
    public ReleaseSnapshot? Find(string version)
    {
        if (!PackageVersion.TryParse(version, out var wanted)) return null;
        var matches = Releases.Where(r => r.Version.Equals(wanted)).ToList();
        return matches.Count == 1 ? matches[0] : matches.FirstOrDefault(r => r.Release.Version == version);
    }

    /// <summary>
    /// Every page cache miss of the read APIs comes here, so its four statements run on one connection (on SQLite
    /// each open re-runs the connection's set-up statements) and are compiled once for the process instead of
    /// being translated from their expression trees on every call.
    /// </summary>
    public static async Task<ProjectSnapshot?> LoadAsync(CheeseshopDb db, string normalizedName, CancellationToken ct)
    {
        var q = ByModel.GetValue(db.Model, _ => new Queries());
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var project = await q.ProjectsNamed(db, normalizedName).FirstOrDefaultAsync(ct);
            if (project is null) return null;
            var releases = await q.ReleasesOf(db, project.Id).ToListAsync(ct);
            var files = await q.FilesOf(db, project.Id).ToListAsync(ct);
            var roles = await q.RolesOf(db, project.Id).ToListAsync(ct);
            var filesByRelease = files.ToLookup(f => f.ReleaseId);
            var snapshots = releases
                .Select(r => new ReleaseSnapshot(r, PackageVersion.Parse(r.CanonicalVersion),
                    filesByRelease[r.Id].OrderBy(f => f.Filename, StringComparer.Ordinal).ToList()))
                .OrderBy(r => r.Version)
                .ToList();
            return new ProjectSnapshot(project, snapshots,
                roles.OrderBy(r => r.Role == RoleNames.Owner ? 0 : 1).ThenBy(r => r.User, StringComparer.Ordinal).ToList());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // A compiled query belongs to the model it was first run with, and contexts in one process need not share
    // one model object, so each model gets its own.
    private static readonly ConditionalWeakTable<IModel, Queries> ByModel = new();

    private sealed class Queries
    {
        // A sequence of at most one rather than FirstOrDefault: EF's compiled single-result form builds a delegate
        // on every call.
        public readonly Func<CheeseshopDb, string, IAsyncEnumerable<Project>> ProjectsNamed =
            EF.CompileAsyncQuery((CheeseshopDb db, string name) => db.Projects.AsNoTracking().Where(p => p.NormalizedName == name).Take(1));

        public readonly Func<CheeseshopDb, Guid, IAsyncEnumerable<Release>> ReleasesOf =
            EF.CompileAsyncQuery((CheeseshopDb db, Guid projectId) => db.Releases.AsNoTracking().Where(r => r.ProjectId == projectId));

        public readonly Func<CheeseshopDb, Guid, IAsyncEnumerable<ReleaseFile>> FilesOf =
            EF.CompileAsyncQuery((CheeseshopDb db, Guid projectId) => db.Files.AsNoTracking().Where(f => f.ProjectId == projectId));

        public readonly Func<CheeseshopDb, Guid, IAsyncEnumerable<RoleSnapshot>> RolesOf =
            EF.CompileAsyncQuery((CheeseshopDb db, Guid projectId) =>
                db.Roles.AsNoTracking().Where(r => r.ProjectId == projectId).Select(r => new RoleSnapshot(r.RoleName, r.User!.Username)));
    }
}

public sealed record ReleaseSnapshot(Release Release, PackageVersion Version, IReadOnlyList<ReleaseFile> Files);

public sealed record RoleSnapshot(string Role, string User);
