using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Projects;

/// <summary>
/// What administrators decide about project names: creating a project for an owner (the only way to a new
/// name when Projects:Create is Admins) and the prohibited names. Each action is one admin audit record,
/// committed with the change it describes.
/// </summary>
public sealed class ProjectAdmin(CheeseshopDb db, IndexWriter writer, TimeProvider clock, ProjectCreator creator)
{
    /// <summary>Creates an empty project owned by <paramref name="owner"/>, journalled as an upload's creation is.</summary>
    public Task<Project> CreateAsync(string name, string owner, string actor, CancellationToken ct) =>
        writer.ChangeAsync(async change =>
        {
            name = name.Trim();
            var normalized = ProjectName.IsValid(name) ? ProjectName.Normalize(name) : name;
            var exists = await db.Projects.AnyAsync(p => p.NormalizedName == normalized, ct);
            var prohibited = await db.ProhibitedProjectNames.AnyAsync(p => p.Name == normalized, ct);
            if (ProjectCreationRules.CheckAdminCreate(name, exists, prohibited) is { } refusal) throw new AdminException(refusal);
            var user = await db.FindLiveUserAsync(owner, ct)
                       ?? throw new AdminException($"No user named '{owner.Trim()}'.");
            var project = await creator.CreateAsync(change, name, normalized, user, null, actor, Now, null, ct);
            Audit(actor, "project.create", normalized, new { name, owner = user.Username });
            return project;
        }, ct);

    public async Task ProhibitAsync(string name, string reason, string actor, CancellationToken ct)
    {
        name = name.Trim();
        var normalized = ProjectName.Normalize(name);
        var existing = await db.Projects.Where(p => p.NormalizedName == normalized).Select(p => p.Name).FirstOrDefaultAsync(ct);
        var already = await db.ProhibitedProjectNames.AnyAsync(p => p.Name == normalized, ct);
        if (ProjectCreationRules.CheckProhibit(name, existing, already, reason ?? "") is { } refusal) throw new AdminException(refusal);
        // Taken in the journal's write lock, as an upload's creation is: a project cannot appear between the
        // check above and this row without the check below seeing it.
        await writer.ChangeAsync(async change =>
        {
            if (await db.Projects.AnyAsync(p => p.NormalizedName == normalized, ct))
                throw new AdminException(ProjectCreationRules.CheckProhibit(name, name, false, reason!)!);
            db.ProhibitedProjectNames.Add(new ProhibitedProjectName { Name = normalized, Reason = reason!.Trim(), ProhibitedBy = actor, Created = Now });
            Audit(actor, "project.prohibit", normalized, new { reason = reason.Trim() });
        }, ct);
    }

    public async Task AllowAsync(string name, string actor, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(name.Trim());
        var row = await db.ProhibitedProjectNames.FirstOrDefaultAsync(p => p.Name == normalized, ct)
                  ?? throw new AdminException($"'{normalized}' is not prohibited.");
        db.ProhibitedProjectNames.Remove(row);
        Audit(actor, "project.allow", normalized, new { reason = row.Reason, prohibited_by = row.ProhibitedBy });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Whether a local project's page also lists the upstream's files ("merge") or only its own ("local",
    /// the default that keeps a local name safe from an upstream project of the same name).</summary>
    /// <summary>Switches a local project between its own files only and merging the upstream's. Its Simple page
    /// changes with it, so the switch is a change to the index: journalled (mirrors and other nodes drop the
    /// project's pages from the journal), and published to this node's caches once it commits.</summary>
    public Task SetUpstreamAsync(string name, string mode, string actor, CancellationToken ct) =>
        writer.ChangeAsync(async change =>
        {
            var normalized = ProjectName.Normalize(name.Trim());
            if (mode is not ("merge" or "local")) throw new AdminException($"'{mode}' is not a mode: use 'merge' or 'local'.");
            var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct)
                ?? throw new AdminException($"No project named '{name.Trim()}': only a local project can merge the upstream's files (others are served from the upstream anyway).");
            var row = await db.UpstreamMerges.FirstOrDefaultAsync(m => m.Name == normalized, ct);
            if ((row is not null) == (mode == "merge")) throw new AdminException($"'{normalized}' is set to '{mode}' already.");
            if (row is null) db.UpstreamMerges.Add(new UpstreamMerge { Name = normalized, SetBy = actor, Created = Now });
            else db.UpstreamMerges.Remove(row);
            change.Journal(project, null, $"set upstream {mode}", null);
            Audit(actor, "project.upstream", normalized, new { mode });
        }, ct);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private void Audit(string actor, string action, string subject, object details) =>
        AdminAuditLog.Add(db, clock, actor, action, subject, details);
}
