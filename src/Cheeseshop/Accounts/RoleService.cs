using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

public sealed record MyProject(string Name, string NormalizedName, string Role);
public sealed record Collaborator(string Username, string Role);
public sealed record PendingInvitation(long Id, string ProjectName, string NormalizedProjectName, string Username, string Role, string? InvitedBy, DateTime ExpiresAt);
public sealed record ProjectCollaborators(string ProjectName, string NormalizedName, string MyRole,
    IReadOnlyList<Collaborator> Roles, IReadOnlyList<PendingInvitation> Invitations)
{
    public bool CanManage => MyRole == RoleNames.Owner;
}

/// <summary>
/// Who may do what to a project: Owners invite, change and remove; Maintainers upload. Every change is
/// a journal row with warehouse's action string (mirrors read them, and the JSON API's `ownership`
/// changes with them), a project event and an event on the affected account. A project never loses
/// its last Owner: the check runs inside the journal's write transaction, so two Owners removing each
/// other at the same moment cannot both succeed.
/// </summary>
public sealed class RoleService(CheeseshopDb db, EventRecorder events, AccountMail mail, IndexWriter writer, TimeProvider clock)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(3);

    private DateTime CurrentTime => clock.GetUtcNow().UtcDateTime;

    public async Task<IReadOnlyList<MyProject>> MyProjectsAsync(Guid userId, CancellationToken ct) =>
        await db.Roles.Where(r => r.UserId == userId)
            .OrderBy(r => r.Project!.NormalizedName)
            .Select(r => new MyProject(r.Project!.Name, r.Project.NormalizedName, r.RoleName))
            .ToListAsync(ct);

    public async Task<IReadOnlyList<PendingInvitation>> MyInvitationsAsync(Guid userId, CancellationToken ct)
    {
        var now = CurrentTime;
        return await InvitationQuery(db.RoleInvitations.Where(i => i.UserId == userId && i.ExpiresAt > now)).ToListAsync(ct);
    }

    public async Task<ProjectCollaborators> CollaboratorsAsync(Guid userId, string projectName, CancellationToken ct)
    {
        var project = await FindProjectAsync(projectName, ct);
        var mine = await db.Roles.Where(r => r.ProjectId == project.Id && r.UserId == userId).Select(r => r.RoleName).FirstOrDefaultAsync(ct)
            ?? throw AccountException.Forbidden($"You have no role on {project.Name}, so you cannot see or change its collaborators.");
        var roles = await db.Roles.Where(r => r.ProjectId == project.Id)
            .Select(r => new Collaborator(r.User!.Username, r.RoleName)).ToListAsync(ct);
        var now = CurrentTime;
        var invitations = await InvitationQuery(db.RoleInvitations.Where(i => i.ProjectId == project.Id && i.ExpiresAt > now)).ToListAsync(ct);
        // Owners first, then by name: the order warehouse shows and the JSON API uses.
        return new ProjectCollaborators(project.Name, project.NormalizedName, mine,
            roles.OrderBy(r => r.Role == RoleNames.Owner ? 0 : 1).ThenBy(r => r.Username, StringComparer.OrdinalIgnoreCase).ToList(),
            invitations);
    }

    public Task InviteAsync(Guid actorId, string projectName, string? username, string? role, CancellationToken ct) =>
        AsOwnerAsync(actorId, projectName, ct, async (actor, project, change) =>
        {
            var roleName = ParseRole(role);
            var target = await FindUserAsync(username, ct);
            if (await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == target.Id, ct))
                throw AccountException.Conflict($"{target.Username} already has a role on {project.Name}. Change their role instead.");
            if (target.PrimaryEmail() is not { IsVerified: true } address)
                throw AccountException.Conflict($"{target.Username} has no verified primary email address yet, so they cannot be invited. Ask them to verify it first.");
            var existing = await db.RoleInvitations.FirstOrDefaultAsync(i => i.ProjectId == project.Id && i.UserId == target.Id, ct);
            if (existing is not null && existing.ExpiresAt > CurrentTime)
                throw AccountException.Conflict($"{target.Username} already has a pending invitation to {project.Name}. Revoke it first to invite them with another role.");
            if (existing is not null)
            {
                db.RoleInvitations.Remove(existing);
                await db.SaveChangesAsync(ct); // the unique (project, user) index needs the old row gone first
            }

            db.RoleInvitations.Add(new RoleInvitation
            {
                ProjectId = project.Id, UserId = target.Id, InvitedById = actor.Id, RoleName = roleName,
                Created = CurrentTime, ExpiresAt = CurrentTime + InvitationLifetime,
            });
            change.Journal(project, null, $"invite {roleName} {target.Username}", actor.Id);
            await events.ProjectEventAsync(project.Id, EventTags.Project.RoleInvited, actor.Id,
                new { submitted_by = actor.Username, role_name = roleName, target_user = target.Username }, ct);
            await events.UserEventAsync(target.Id, EventTags.Account.RoleInvited,
                new { submitted_by = actor.Username, project_name = project.Name, role_name = roleName }, ct);
            await mail.SendRoleInvitationAsync(target, address.Email, project.Name, roleName, actor.Username, ct);
        });

    public Task RevokeInvitationAsync(Guid actorId, string projectName, long invitationId, CancellationToken ct) =>
        AsOwnerAsync(actorId, projectName, ct, async (actor, project, change) =>
        {
            var invitation = await db.RoleInvitations.Include(i => i.User)
                .FirstOrDefaultAsync(i => i.Id == invitationId && i.ProjectId == project.Id, ct)
                ?? throw AccountException.NotFound("That invitation does not exist any more (it may have been accepted, declined or revoked).");
            db.RoleInvitations.Remove(invitation);
            var target = invitation.User!;
            change.Journal(project, null, $"revoke_invite {invitation.RoleName} {target.Username}", actor.Id);
            await events.ProjectEventAsync(project.Id, EventTags.Project.RoleInviteRevoked, actor.Id,
                new { submitted_by = actor.Username, role_name = invitation.RoleName, target_user = target.Username }, ct);
            await events.UserEventAsync(target.Id, EventTags.Account.RoleInviteRevoked,
                new { submitted_by = actor.Username, project_name = project.Name, role_name = invitation.RoleName }, ct);
        });

    /// <summary>The invitee takes the role. The journal names the invitee as submitter, as warehouse does.</summary>
    public Task<string> AcceptAsync(Guid userId, long invitationId, CancellationToken ct) =>
        writer.ChangeAsync(async change =>
        {
            var (user, invitation) = await MyInvitationAsync(userId, invitationId, ct);
            var project = invitation.Project!;
            db.RoleInvitations.Remove(invitation);
            if (await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == user.Id, ct))
                throw AccountException.Conflict($"You already have a role on {project.Name}.");
            db.Roles.Add(new Role { ProjectId = project.Id, UserId = user.Id, RoleName = invitation.RoleName });
            change.Journal(project, null, $"accepted {invitation.RoleName} {user.Username}", user.Id);
            await events.ProjectEventAsync(project.Id, EventTags.Project.RoleAdded, user.Id,
                new { submitted_by = user.Username, role_name = invitation.RoleName, target_user = user.Username }, ct);
            await events.UserEventAsync(user.Id, EventTags.Account.RoleAdded,
                new { submitted_by = user.Username, project_name = project.Name, role_name = invitation.RoleName }, ct);
            return project.Name;
        }, ct);

    /// <summary>Declining leaves no journal row (warehouse writes none): nothing public changed.</summary>
    public async Task<string> DeclineAsync(Guid userId, long invitationId, CancellationToken ct)
    {
        var (user, invitation) = await MyInvitationAsync(userId, invitationId, ct);
        var project = invitation.Project!;
        db.RoleInvitations.Remove(invitation);
        await events.ProjectEventAsync(project.Id, EventTags.Project.RoleDeclined, user.Id,
            new { submitted_by = user.Username, role_name = invitation.RoleName, target_user = user.Username }, ct);
        await events.UserEventAsync(user.Id, EventTags.Account.RoleDeclined,
            new { submitted_by = user.Username, project_name = project.Name, role_name = invitation.RoleName }, ct);
        await db.SaveChangesAsync(ct);
        return project.Name;
    }

    public Task ChangeAsync(Guid actorId, string projectName, string? username, string? newRole, CancellationToken ct) =>
        AsOwnerAsync(actorId, projectName, ct, async (actor, project, change) =>
        {
            var roleName = ParseRole(newRole);
            var (target, role) = await FindRoleAsync(project, username, ct);
            if (role.RoleName == roleName)
                throw AccountException.Conflict($"{target.Username} is already {Article(roleName)} {roleName} of {project.Name}.");
            if (role.RoleName == RoleNames.Owner) await EnsureAnotherOwnerAsync(project, target, ct);
            var old = role.RoleName;
            role.RoleName = roleName;
            change.Journal(project, null, $"change {old} {target.Username} to {roleName}", actor.Id);
            await events.ProjectEventAsync(project.Id, EventTags.Project.RoleChanged, actor.Id,
                new { submitted_by = actor.Username, role_name = roleName, target_user = target.Username }, ct);
            await events.UserEventAsync(target.Id, EventTags.Account.RoleChanged,
                new { submitted_by = actor.Username, project_name = project.Name, role_name = roleName }, ct);
        });

    public Task RemoveAsync(Guid actorId, string projectName, string? username, CancellationToken ct) =>
        AsOwnerAsync(actorId, projectName, ct, async (actor, project, change) =>
        {
            var (target, role) = await FindRoleAsync(project, username, ct);
            if (role.RoleName == RoleNames.Owner) await EnsureAnotherOwnerAsync(project, target, ct);
            db.Roles.Remove(role);
            change.Journal(project, null, $"remove {role.RoleName} {target.Username}", actor.Id);
            await events.ProjectEventAsync(project.Id, EventTags.Project.RoleRemoved, actor.Id,
                new { submitted_by = actor.Username, role_name = role.RoleName, target_user = target.Username }, ct);
            await events.UserEventAsync(target.Id, EventTags.Account.RoleRemoved,
                new { submitted_by = actor.Username, project_name = project.Name, role_name = role.RoleName }, ct);
        });

    /// <summary>Runs a change as an Owner of the project, as one change to the index: the JSON API lists
    /// roles, so this node's cached pages drop as soon as it commits.</summary>
    private Task AsOwnerAsync(Guid actorId, string projectName, CancellationToken ct, Func<User, Project, IndexChange, Task> work) =>
        writer.ChangeAsync(async change =>
        {
            var actor = await db.RequireUserAsync(actorId, ct);
            var project = await FindProjectAsync(projectName, ct);
            if (!await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == actor.Id && r.RoleName == RoleNames.Owner, ct))
                throw AccountException.Forbidden($"Only Owners of {project.Name} can change its collaborators.");
            await work(actor, project, change);
        }, ct);

    private async Task<(User User, RoleInvitation Invitation)> MyInvitationAsync(Guid userId, long invitationId, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var invitation = await db.RoleInvitations.Include(i => i.Project)
            .FirstOrDefaultAsync(i => i.Id == invitationId && i.UserId == user.Id, ct)
            ?? throw AccountException.NotFound("That invitation does not exist any more (it may have been revoked, or already answered).");
        if (invitation.ExpiresAt <= CurrentTime)
        {
            db.RoleInvitations.Remove(invitation);
            await db.SaveChangesAsync(ct);
            throw new AccountException(410, $"This invitation to {invitation.Project!.Name} has expired. Ask an Owner to invite you again.");
        }
        return (user, invitation);
    }

    private async Task<Project> FindProjectAsync(string projectName, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(projectName ?? "");
        return await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct)
            ?? throw AccountException.NotFound($"There is no project named '{projectName}'.");
    }

    private async Task<User> FindUserAsync(string? username, CancellationToken ct)
    {
        var name = username?.Trim() ?? "";
        if (name.Length == 0) throw AccountException.BadRequest("Enter the username of the person to invite.");
        var normalized = Usernames.Normalize(name);
        return await db.Users.Include(u => u.Emails).FirstOrDefaultAsync(u => u.NormalizedUsername == normalized && u.IsActive, ct)
            ?? throw AccountException.NotFound($"There is no user named '{name}'. Check the spelling of the username (not the display name).");
    }

    private async Task<(User User, Role Role)> FindRoleAsync(Project project, string? username, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(username?.Trim() ?? "");
        var role = await db.Roles.Include(r => r.User)
            .FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.User!.NormalizedUsername == normalized, ct)
            ?? throw AccountException.NotFound($"'{username}' has no role on {project.Name}.");
        return (role.User!, role);
    }

    private async Task EnsureAnotherOwnerAsync(Project project, User leaving, CancellationToken ct)
    {
        if (!await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.RoleName == RoleNames.Owner && r.UserId != leaving.Id, ct))
            throw AccountException.Conflict(
                $"{leaving.Username} is the only Owner of {project.Name}, and a project must always have an Owner. Make someone else an Owner first.");
    }

    private static string ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "owner" => RoleNames.Owner,
        "maintainer" => RoleNames.Maintainer,
        _ => throw AccountException.BadRequest("Choose a role: Owner or Maintainer."),
    };

    private static string Article(string role) => role == RoleNames.Owner ? "an" : "a";

    private IQueryable<PendingInvitation> InvitationQuery(IQueryable<RoleInvitation> q) =>
        from i in q
        join u in db.Users on i.InvitedById equals (Guid?)u.Id into inviters
        from inviter in inviters.DefaultIfEmpty()
        orderby i.Created
        select new PendingInvitation(i.Id, i.Project!.Name, i.Project.NormalizedName, i.User!.Username, i.RoleName,
            inviter == null ? null : inviter.Username, i.ExpiresAt);
}
