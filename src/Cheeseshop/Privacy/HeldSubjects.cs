using Cheeseshop.Accounts;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Privacy;

/// <summary>The users and projects under an active legal hold at a given time.</summary>
/// <param name="Users">Users held directly: everything about them is kept.</param>
/// <param name="Projects">Projects held directly: everything about them is kept.</param>
/// <param name="UserProjects">
/// Projects a held user has or had a role on (current roles and the roles the change log records, as the
/// disclosure's packages category reads them). A disclosure about the user reads these projects' download
/// records ("for the subject's projects"), so records kept per project are kept for them as
/// <see cref="AllProjects"/> says. Other people's events on them are not kept for the hold: no disclosure
/// about the held user contains them, and they carry those people's addresses.
/// </param>
public sealed record HeldSubjects(IReadOnlySet<Guid> Users, IReadOnlySet<Guid> Projects, IReadOnlySet<Guid> UserProjects)
{
    /// <summary>Projects whose per-project records (download events, simple-page requests) are kept: held
    /// directly or through a held user.</summary>
    public IReadOnlySet<Guid> AllProjects { get; } = Projects.Union(UserProjects).ToHashSet();

    public static async Task<HeldSubjects> LoadAsync(CheeseshopDb db, DateTime asOf, CancellationToken ct)
    {
        var holds = await Active(db, asOf).Select(h => new { h.UserId, h.ProjectId }).ToListAsync(ct);
        var users = holds.Where(h => h.UserId is not null).Select(h => h.UserId!.Value).ToHashSet();
        var userProjects = new HashSet<Guid>();
        foreach (var user in await db.Users.AsNoTracking().Where(u => users.Contains(u.Id)).ToListAsync(ct))
        {
            var roles = await RoleJournal.RolesAsync(db, user, await RoleJournal.NamesAsync(db, user, ct), asOf, ct);
            userProjects.UnionWith(await RoleJournal.ProjectIdsAsync(db, roles, ct));
        }
        return new HeldSubjects(users, holds.Where(h => h.ProjectId is not null).Select(h => h.ProjectId!.Value).ToHashSet(), userProjects);
    }

    /// <summary>Is the user held directly (without working out the projects a full load does)?</summary>
    public static Task<bool> IsUserHeldAsync(CheeseshopDb db, Guid userId, DateTime asOf, CancellationToken ct) =>
        Active(db, asOf).AnyAsync(h => h.UserId == userId, ct);

    private static IQueryable<Data.Entities.LegalHold> Active(CheeseshopDb db, DateTime asOf) =>
        db.LegalHolds.AsNoTracking().Where(h => h.ReleasedAt == null && h.Until > asOf);
}
