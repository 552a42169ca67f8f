using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

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

    public static async Task<ProjectSnapshot?> LoadAsync(CheeseshopDb db, string normalizedName, CancellationToken ct)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalizedName, ct);
        if (project is null) return null;
        var releases = await db.Releases.AsNoTracking().Where(r => r.ProjectId == project.Id).ToListAsync(ct);
        var files = await db.Files.AsNoTracking().Where(f => f.ProjectId == project.Id).ToListAsync(ct);
        var roles = await db.Roles.AsNoTracking().Where(r => r.ProjectId == project.Id)
            .Select(r => new RoleSnapshot(r.RoleName, r.User!.Username)).ToListAsync(ct);
        var filesByRelease = files.ToLookup(f => f.ReleaseId);
        var snapshots = releases
            .Select(r => new ReleaseSnapshot(r, PackageVersion.Parse(r.CanonicalVersion),
                filesByRelease[r.Id].OrderBy(f => f.Filename, StringComparer.Ordinal).ToList()))
            .OrderBy(r => r.Version)
            .ToList();
        return new ProjectSnapshot(project, snapshots,
            roles.OrderBy(r => r.Role == RoleNames.Owner ? 0 : 1).ThenBy(r => r.User, StringComparer.Ordinal).ToList());
    }
}

public sealed record ReleaseSnapshot(Release Release, PackageVersion Version, IReadOnlyList<ReleaseFile> Files);

public sealed record RoleSnapshot(string Role, string User);
