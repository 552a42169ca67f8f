using Cheeseshop.Accounts;
using Cheeseshop.Core.Manage;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Manage;

public sealed record ManagedFile(string Filename, string PackageType, string PythonVersion, long Size, DateTime UploadTime);
public sealed record ManagedRelease(string Version, DateTime Created, bool IsPrerelease, bool Yanked, string? YankedReason, IReadOnlyList<ManagedFile> Files);

/// <summary>One line of the security history. The client appears only as its country and the start of its keyed
/// hash (enough to tell two clients apart), never as an address.</summary>
public sealed record HistoryEntry(DateTime Time, string Tag, string Description, string? Who, string? Country, string? Client);

public sealed record ManagedProject(string Name, string NormalizedName, string MyRole, IReadOnlyList<ManagedRelease> Releases,
    IReadOnlyList<HistoryEntry> History, int HistoryPage, int HistoryPages)
{
    /// <summary>Owners yank, unyank and delete; Maintainers see the releases and the history (as on PyPI).</summary>
    public bool CanChange => MyRole == RoleNames.Owner;
}

/// <summary>What /manage/project/{name}/ shows: releases newest first with their files, and the project's events
/// newest first, a page at a time. Changes go through Index/ReleaseAdmin, as the CLI's do.</summary>
public sealed class ProjectManagement(CheeseshopDb db)
{
    public const int HistoryPageSize = 25;

    public async Task<ManagedProject> LoadAsync(Guid userId, string projectName, int historyPage, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(projectName);
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct)
            ?? throw AccountException.NotFound($"There is no project named '{projectName}'.");
        var role = await db.Roles.Where(r => r.ProjectId == project.Id && r.UserId == userId).Select(r => r.RoleName).FirstOrDefaultAsync(ct)
            ?? throw AccountException.Forbidden($"You have no role on {project.Name}, so you cannot manage it.");
        var releases = await db.Releases.AsNoTracking().Where(r => r.ProjectId == project.Id)
            .Select(r => new { r.Version, r.CanonicalVersion, r.Created, r.IsPrerelease, r.Yanked, r.YankedReason, r.Id }).ToListAsync(ct);
        var files = (await db.Files.AsNoTracking().Where(f => f.ProjectId == project.Id)
            .Select(f => new { f.ReleaseId, File = new ManagedFile(f.Filename, f.PackageType, f.PythonVersion, f.Size, f.UploadTime) })
            .ToListAsync(ct)).ToLookup(f => f.ReleaseId, f => f.File);
        var ordered = releases.OrderByDescending(r => PackageVersion.Parse(r.CanonicalVersion))
            .Select(r => new ManagedRelease(r.Version, r.Created, r.IsPrerelease, r.Yanked, r.YankedReason,
                files[r.Id].OrderBy(f => f.Filename, StringComparer.Ordinal).ToList()))
            .ToList();
        var (history, pages) = await HistoryAsync(project.Id, historyPage, ct);
        return new ManagedProject(project.Name, project.NormalizedName, role, ordered, history, historyPage, pages);
    }

    private async Task<(IReadOnlyList<HistoryEntry>, int Pages)> HistoryAsync(Guid projectId, int page, CancellationToken ct)
    {
        var events = db.ProjectEvents.AsNoTracking().Where(e => e.ProjectId == projectId);
        var count = await events.CountAsync(ct);
        var rows = await (from e in events
                          join u in db.Users on e.UserId equals (Guid?)u.Id into users
                          from u in users.DefaultIfEmpty()
                          orderby e.Time descending, e.Id descending
                          select new { e.Time, e.Tag, e.AdditionalJson, Who = u == null ? null : u.Username, Country = e.IpAddress == null ? null : e.IpAddress.CountryCode, Hash = e.IpAddress == null ? null : e.IpAddress.HashedIp })
            .Skip((Math.Max(page, 1) - 1) * HistoryPageSize).Take(HistoryPageSize).ToListAsync(ct);
        var entries = rows.Select(r => new HistoryEntry(r.Time, r.Tag, ManageRules.Describe(r.Tag, r.AdditionalJson), r.Who, r.Country,
            r.Hash is { Length: >= 12 } h ? h[..12] : null)).ToList();
        return (entries, Math.Max(1, (count + HistoryPageSize - 1) / HistoryPageSize));
    }
}
