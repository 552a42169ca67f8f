using Cheeseshop.Accounts;
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

    /// <summary>
    /// The addresses of the in-scope account events whose client is shown, as instrument-numbers counts them,
    /// when connection-records has already read those events (null otherwise): one pass over them, not two.
    /// </summary>
    public Dictionary<long, AddressUse>? AccountAddressUse { get; set; }

    public static async Task<SubjectScope> LoadAsync(CheeseshopDb db, User user, DateTime? start, DateTime? end, DateTime producedAt,
        RetentionWindows windows, CancellationToken ct)
    {
        var names = await RoleJournal.NamesAsync(db, user, ct);
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
        var intervals = (await RoleJournal.RolesAsync(Db, User, Names, End, ct))
            .Where(r => (r.From ?? DateTime.MinValue) < End && (r.To is null || r.To > From)).ToList();
        return new SubjectRoles(intervals, await RoleJournal.ProjectIdsAsync(Db, intervals, ct));
    }
}

/// <summary>How a subject used one IP address: first and last time, how many events, whether the account was registered from it.</summary>
public sealed class AddressUse(DateTime first, DateTime last, long events, bool registration)
{
    public DateTime First { get; private set; } = first;
    public DateTime Last { get; private set; } = last;
    public long Events { get; private set; } = events;
    public bool Registration { get; private set; } = registration;

    public static void Count(Dictionary<long, AddressUse> uses, long ip, DateTime first, DateTime last, long events, bool registration)
    {
        if (!uses.TryGetValue(ip, out var x)) uses[ip] = new AddressUse(first, last, events, registration);
        else
        {
            if (first < x.First) x.First = first;
            if (last > x.Last) x.Last = last;
            x.Events += events;
            x.Registration |= registration;
        }
    }
}
