using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>The roles a subject has and had, and the projects (that still exist) they concern.</summary>
public sealed record SubjectRoles(IReadOnlyList<RoleInterval> Intervals, IReadOnlyList<Guid> ProjectIds);

/// <summary>
/// One subject of a production: the account, every username it has held and when, and the time window
/// records must fall in: the request's scope, and never after the package's produced_at.
/// </summary>
public sealed class SubjectScope
{
    private Task<SubjectRoles>? _roles;
    private Task<IReadOnlySet<long>>? _own;

    public required CheeseshopDb Db { get; init; }
    public required User User { get; init; }
    public required IReadOnlyList<NameInterval> Names { get; init; }
    /// <summary>Inclusive; null: from the beginning.</summary>
    public required DateTime? Start { get; init; }
    /// <summary>Exclusive.</summary>
    public required DateTime End { get; init; }
    public required DateTime ProducedAt { get; init; }
    public required RetentionWindows Windows { get; init; }

    public Guid Id => User.Id;

    /// <summary>The earliest time a query needs to consider (a lower bound that is always true when there is no start).</summary>
    public DateTime From => Start ?? DateTime.MinValue.AddYears(1);

    public IReadOnlyList<string> Usernames => _usernames ??= Names.Select(n => n.Username).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private IReadOnlyList<string>? _usernames;

    public bool InScope(DateTime t) => t >= From && t < End;

    public static async Task<SubjectScope> LoadAsync(CheeseshopDb db, User user, DateTime? start, DateTime? end, DateTime producedAt,
        RetentionWindows windows, CancellationToken ct)
    {
        var changes = await db.UsernameChanges.AsNoTracking().Where(c => c.UserId == user.Id).OrderBy(c => c.Time).ThenBy(c => c.Id).ToListAsync(ct);
        var names = new List<NameInterval>();
        var since = DateTime.MinValue;
        foreach (var c in changes)
        {
            names.Add(new NameInterval(c.OldUsername, since, c.Time));
            since = c.Time;
        }
        names.Add(new NameInterval(user.Username, since, null));
        // Nothing after produced_at: a package made "as of" a time says what was held up to then.
        var cap = producedAt.AddTicks(1);
        return new SubjectScope
        {
            Db = db, User = user, Names = names, Start = start, End = end is { } e && e < cap ? e : cap,
            ProducedAt = producedAt, Windows = windows,
        };
    }

    /// <summary>
    /// The IP records the subject's own events point at (account events they caused, project events by
    /// them), over their whole history up to the scope's end: an event someone else may have caused
    /// shows its client only if it is one of these. Memory grows with distinct addresses, not events.
    /// </summary>
    public Task<IReadOnlySet<long>> OwnAddressesAsync(CancellationToken ct) => _own ??= LoadOwnAddressesAsync(ct);

    private async Task<IReadOnlySet<long>> LoadOwnAddressesAsync(CancellationToken ct)
    {
        var own = new HashSet<long>(await EventRows.InScope(this, wholeHistory: true).Where(EventRows.CertainlyDirect)
            .Where(e => e.IpAddressId != null).Select(e => e.IpAddressId!.Value).Distinct().ToListAsync(ct));
        await foreach (var e in EventRows.UserEvents(this, null, wholeHistory: true, filter: EventRows.MayNotBeDirect).WithCancellation(ct))
            if (e.Ip is { } ip && EventRows.Direct(this, e)) own.Add(ip.Id);
        own.UnionWith(await Db.ProjectEvents.AsNoTracking().Where(e => e.UserId == Id && e.Time < End && e.IpAddressId != null)
            .Select(e => e.IpAddressId!.Value).Distinct().ToListAsync(ct));
        return own;
    }

    /// <summary>Computed once per subject: the packages and download-logs categories both need it.</summary>
    public Task<SubjectRoles> RolesAsync(CancellationToken ct) => _roles ??= LoadRolesAsync(ct);

    private async Task<SubjectRoles> LoadRolesAsync(CancellationToken ct)
    {
        var history = new RoleHistory(Names);
        var rows = new SortedDictionary<long, (string Name, string Action, DateTime Time)>();
        // The change log is searched per username the subject held; RoleHistory then keeps only the rows
        // that name the subject while it held that name.
        foreach (var name in Usernames)
        {
            var suffix = " " + name;
            var infix = " " + name + " to ";
            await foreach (var page in Paging.PagesAsync(after => Db.Journals.AsNoTracking()
                               .Where(j => j.Id > after && j.SubmittedDate < End && (j.Action.EndsWith(suffix) || j.Action.Contains(infix)))
                               .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Action, j.SubmittedDate }), r => r.Id, ct))
                foreach (var r in page) rows[r.Id] = (r.Name, r.Action, r.SubmittedDate);
        }
        await foreach (var page in Paging.PagesAsync(after => Db.Journals.AsNoTracking()
                           .Where(j => j.Id > after && j.SubmittedDate < End && j.Action == "remove project")
                           .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Action, j.SubmittedDate }), r => r.Id, ct))
            foreach (var r in page) rows[r.Id] = (r.Name, r.Action, r.SubmittedDate);
        foreach (var (_, r) in rows) history.Apply(r.Name, r.Action, r.Time);

        var current = await Db.Roles.AsNoTracking().Where(r => r.UserId == Id)
            .Select(r => new { r.ProjectId, r.Project!.Name, r.Project.NormalizedName, r.RoleName }).ToListAsync(ct);
        var intervals = history.Finish(current.ToDictionary(r => r.NormalizedName, r => (r.Name, r.RoleName)), User.DeletedAt)
            .Where(r => (r.From ?? DateTime.MinValue) < End && (r.To is null || r.To > From)).ToList();

        var normalized = intervals.Select(r => Core.Packaging.ProjectName.Normalize(r.Project)).Distinct().ToList();
        var ids = await Db.Projects.AsNoTracking().Where(p => normalized.Contains(p.NormalizedName)).OrderBy(p => p.NormalizedName).Select(p => p.Id).ToListAsync(ct);
        return new SubjectRoles(intervals, ids);
    }
}
