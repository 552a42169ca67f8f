using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Disclosure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// The usernames an account held and the roles it has and had, read from the username changes, the roles
/// table and the public change log. Disclosure (the packages and download-logs categories) and retention
/// (a held user's projects are held too) must agree on what "the subject's projects" are, so both read
/// them here.
/// </summary>
public static class RoleJournal
{
    /// <summary>
    /// Every username the account held and when: from joining (a name freed by an earlier account is not
    /// this one's before then) to its next admin rename, and the last one until now or, for a sealed
    /// account, until it was deleted (after that the name is free for someone else).
    /// </summary>
    public static async Task<IReadOnlyList<NameInterval>> NamesAsync(CheeseshopDb db, User user, CancellationToken ct)
    {
        var changes = await db.UsernameChanges.AsNoTracking().Where(c => c.UserId == user.Id)
            .OrderBy(c => c.Time).ThenBy(c => c.Id).Select(c => new { c.OldUsername, c.Time }).ToListAsync(ct);
        var names = new List<NameInterval>();
        var since = user.DateJoined;
        foreach (var c in changes)
        {
            names.Add(new NameInterval(c.OldUsername, since, c.Time));
            since = c.Time;
        }
        names.Add(new NameInterval(user.Username, since, user.DeletedAt));
        return names;
    }

    /// <summary>The roles the account has and had up to <paramref name="end"/> (exclusive), oldest first per project.</summary>
    public static async Task<IReadOnlyList<RoleInterval>> RolesAsync(CheeseshopDb db, User user, IReadOnlyList<NameInterval> names, DateTime end,
        CancellationToken ct)
    {
        var history = new RoleHistory(names);
        var rows = new SortedDictionary<long, (string Name, string Action, DateTime Time)>();
        // The change log is searched per username the account held; RoleHistory then keeps only the rows
        // that name the account while it held that name.
        foreach (var name in names.Select(n => n.Username).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var suffix = " " + name;
            var infix = " " + name + " to ";
            await foreach (var page in Paging.PagesAsync(after => db.Journals.AsNoTracking()
                               .Where(j => j.Id > after && j.SubmittedDate < end && (j.Action.EndsWith(suffix) || j.Action.Contains(infix)))
                               .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Action, j.SubmittedDate }), r => r.Id, ct))
                foreach (var r in page) rows[r.Id] = (r.Name, r.Action, r.SubmittedDate);
        }
        await foreach (var page in Paging.PagesAsync(after => db.Journals.AsNoTracking()
                           .Where(j => j.Id > after && j.SubmittedDate < end && j.Action == "remove project")
                           .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Action, j.SubmittedDate }), r => r.Id, ct))
            foreach (var r in page) rows[r.Id] = (r.Name, r.Action, r.SubmittedDate);
        foreach (var (_, r) in rows) history.Apply(r.Name, r.Action, r.Time);

        var current = await db.Roles.AsNoTracking().Where(r => r.UserId == user.Id)
            .Select(r => new { r.Project!.Name, r.Project.NormalizedName, r.RoleName }).ToListAsync(ct);
        return history.Finish(current.ToDictionary(r => r.NormalizedName, r => (r.Name, r.RoleName)), user.DeletedAt);
    }

    /// <summary>The ids of the projects (that still exist) that <paramref name="roles"/> concern.</summary>
    public static async Task<IReadOnlyList<Guid>> ProjectIdsAsync(CheeseshopDb db, IEnumerable<RoleInterval> roles, CancellationToken ct)
    {
        var normalized = roles.Select(r => Core.Packaging.ProjectName.Normalize(r.Project)).Distinct().ToList();
        return await db.Projects.AsNoTracking().Where(p => normalized.Contains(p.NormalizedName))
            .OrderBy(p => p.NormalizedName).Select(p => p.Id).ToListAsync(ct);
    }
}
