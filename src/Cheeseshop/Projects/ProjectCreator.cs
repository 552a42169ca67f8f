using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;

namespace Cheeseshop.Projects;

/// <summary>
/// The rows a new project starts with, whichever way it comes (an upload, a pending trusted publisher's first
/// exchange, an administrator's verb): the project, its first Owner, the two journal entries and the events,
/// so the public change log and the event history read the same for all three. Whether the name may be
/// created is the caller's decision, made before.
/// </summary>
public sealed class ProjectCreator(CheeseshopDb db, EventRecorder events)
{
    /// <param name="actorId">The account that acts, for the journal and the events; null for an administrator's verb.</param>
    /// <param name="actorName">The name the events give as creator and submitter.</param>
    /// <param name="publisher">The pending publisher whose exchange creates the project, named in the creation event.</param>
    public async Task<Project> CreateAsync(IndexChange change, string name, string normalized, User owner, Guid? actorId, string actorName,
        DateTime now, string? publisher, CancellationToken ct)
    {
        var project = new Project { Id = Guid.NewGuid(), Name = name, NormalizedName = normalized, Created = now };
        db.Projects.Add(project);
        db.Roles.Add(new Role { ProjectId = project.Id, UserId = owner.Id, RoleName = RoleNames.Owner });
        change.Journal(project, null, "create", actorId);
        change.Journal(project, null, $"add {RoleNames.Owner} {owner.Username}", actorId);
        object created = publisher is null ? new { created_by = actorName } : new { created_by = actorName, publisher };
        await events.ProjectEventAsync(project.Id, EventTags.Project.Created, actorId, created, ct);
        await events.ProjectEventAsync(project.Id, EventTags.Project.RoleAdded, actorId,
            new { submitted_by = actorName, role_name = RoleNames.Owner, target_user = owner.Username }, ct);
        await events.UserEventAsync(owner.Id, EventTags.Account.RoleAdded,
            new { submitted_by = actorName, project_name = project.Name, role_name = RoleNames.Owner }, ct);
        return project;
    }
}
