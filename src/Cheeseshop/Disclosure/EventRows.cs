using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>What a package needs of an ip_addresses row.</summary>
public sealed record IpFacts(long Id, string? Address, string HashedIp, string? CountryCode, DateTime? AddressErasedAt);

/// <summary>An event with the IP record it points at (if any).</summary>
public sealed record EventRow(long Id, string Tag, DateTime Time, string AdditionalJson, IpFacts? Ip, string? Project)
{
    public EventDetailsView Details { get; } = EventDetails.Read(AdditionalJson);
}

/// <summary>How an event's client is shown: the address as held, or why not.</summary>
public sealed record IpView(string? Address, string Status, string? KeyedHash, string? Country, DateTime? ErasedAt)
{
    public const string Held = "held";
    public const string None = "none recorded";
    public const string Withheld = "withheld: caused by another user";
    public const string WithheldIndirect = "withheld: possibly caused by another user";

    /// <param name="withheld">Why the client is withheld (Withheld or WithheldIndirect), or null to show it.</param>
    public static IpView Of(IpFacts? ip, string? eventCountry, string? withheld)
    {
        if (withheld is not null) return withheld switch
        {
            Withheld => WithheldView,
            WithheldIndirect => WithheldIndirectView,
            _ => new IpView(null, withheld, null, null, null),
        };
        if (ip is null) return new IpView(null, None, null, eventCountry, null);
        var country = ip.CountryCode ?? eventCountry;
        return ip.Address is { } address
            ? new IpView(address, Held, ip.HashedIp, country, null)
            : new IpView(null, Erased(ip.AddressErasedAt), ip.HashedIp, country, ip.AddressErasedAt);
    }

    private static readonly IpView WithheldView = new(null, Withheld, null, null, null);
    private static readonly IpView WithheldIndirectView = new(null, WithheldIndirect, null, null, null);

    /// <summary>As <see cref="Of"/>, remembered per IP record in <paramref name="views"/> (one production's reads) when the event's own country cannot change it.</summary>
    public static IpView Of(IpFacts? ip, string? eventCountry, string? withheld, Dictionary<long, IpView> views)
    {
        if (withheld is not null || ip is null || ip.CountryCode is null) return Of(ip, eventCountry, withheld);
        if (!views.TryGetValue(ip.Id, out var view)) views[ip.Id] = view = Of(ip, eventCountry, withheld);
        return view;
    }

    public static string Erased(DateTime? when) =>
        when is { } t ? $"erased on {LegalDates.Date(t)} under the retention policy" : "erased under the retention policy";
}

/// <summary>The subject's own events, page by page in id order, inside the scope.</summary>
/// <summary>
/// The subject's own events, in the scope. A generator that runs no other query while it reads streams
/// one query (rows die young, so memory stays flat and the collector has little to do); one that looks
/// things up for a batch of rows reads pages (<see cref="Paging"/>), because PostgreSQL runs one command
/// at a time per connection.
/// </summary>
internal static class EventRows
{
    /// <summary>Account events of the subject (all tags, or only <paramref name="tags"/>), in the scope or (<paramref name="wholeHistory"/>) up to its end,
    /// in time order (the order of the index on (user_id, time)), as one streamed query.</summary>
    /// <param name="filter">A further condition (see <see cref="MayNotBeDirect"/>).</param>
    public static IAsyncEnumerable<EventRow> UserEvents(SubjectScope s, string[]? tags, bool wholeHistory = false,
        System.Linq.Expressions.Expression<Func<UserEvent, bool>>? filter = null) =>
        UserEventsQuery(s, tags, wholeHistory, filter, null).AsAsyncEnumerable();

    /// <summary>As <see cref="UserEvents"/>, page by page.</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> UserEventPagesAsync(SubjectScope s, string[]? tags, CancellationToken ct) =>
        Paging.PagesByTimeAsync(after => UserEventsQuery(s, tags, false, null, after), r => (r.Time, r.Id), ct);

    private static IQueryable<EventRow> UserEventsQuery(SubjectScope s, string[]? tags, bool wholeHistory,
        System.Linq.Expressions.Expression<Func<UserEvent, bool>>? filter, (DateTime Time, long Id)? after)
    {
        var q = InScope(s, wholeHistory);
        if (filter is not null) q = q.Where(filter);
        if (after is { } a) q = q.Where(e => e.Time >= a.Time && (e.Time > a.Time || e.Id > a.Id));
        if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
        return q.OrderBy(e => e.Time).ThenBy(e => e.Id).Select(e => new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson,
            e.IpAddress == null ? null : new IpFacts(e.IpAddress.Id, e.IpAddress.Address, e.IpAddress.HashedIp, e.IpAddress.CountryCode, e.IpAddress.AddressErasedAt), null));
    }

    /// <summary>The subject's account events in the scope (or up to its end).</summary>
    public static IQueryable<UserEvent> InScope(SubjectScope s, bool wholeHistory = false)
    {
        var from = wholeHistory ? DateTime.MinValue.AddYears(1) : s.From;
        return s.Db.UserEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Time >= from && e.Time < s.End);
    }

    private static readonly string[] Indirect = [.. EventDetails.IndirectTags];

    /// <summary>
    /// Events that are certainly the subject's own doing: not of an indirect kind, and whose details
    /// cannot name an actor (the text holds neither key). The database can select and aggregate these
    /// without reading their JSON; the few others go through <see cref="Direct"/>.
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<UserEvent, bool>> CertainlyDirect = e =>
        !Indirect.Contains(e.Tag) && !e.AdditionalJson.Contains("\"submitted_by\"") && !e.AdditionalJson.Contains("\"changed_by\"");

    /// <summary>The complement of <see cref="CertainlyDirect"/>.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<UserEvent, bool>> MayNotBeDirect = e =>
        Indirect.Contains(e.Tag) || e.AdditionalJson.Contains("\"submitted_by\"") || e.AdditionalJson.Contains("\"changed_by\"");

    /// <summary>Project events the subject caused (project_events.user_id), with the project's current name, in id order, as one streamed query.</summary>
    public static IAsyncEnumerable<EventRow> ProjectEvents(SubjectScope s, string[]? tags) =>
        ProjectEventsQuery(s, tags, long.MinValue).AsAsyncEnumerable();

    /// <summary>As <see cref="ProjectEvents"/>, page by page.</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> ProjectEventPagesAsync(SubjectScope s, string[]? tags, CancellationToken ct) =>
        Paging.PagesAsync(after => ProjectEventsQuery(s, tags, after), r => r.Id, ct);

    private static IQueryable<EventRow> ProjectEventsQuery(SubjectScope s, string[]? tags, long after)
    {
        var q = s.Db.ProjectEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Id > after && e.Time >= s.From && e.Time < s.End);
        if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
        return from e in q
               join p in s.Db.Projects on e.ProjectId equals p.Id into projects
               from p in projects.DefaultIfEmpty()
               orderby e.Id
               select new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson,
                   e.IpAddress == null ? null : new IpFacts(e.IpAddress.Id, e.IpAddress.Address, e.IpAddress.HashedIp, e.IpAddress.CountryCode, e.IpAddress.AddressErasedAt),
                   p == null ? null : p.Name);
    }

    /// <summary>
    /// Why the recorded client of this account event is not the subject's to disclose, or null when it is:
    /// the event names another user as its cause, or it is an event another user may have caused (an
    /// email sent, a reset requested) from an address the subject's own events never used.
    /// </summary>
    public static string? Withheld(SubjectScope s, EventRow e, IReadOnlySet<long> ownAddresses)
    {
        if (EventDetails.CausedByAnother(e.Details, s.Usernames)) return IpView.Withheld;
        if (EventDetails.IndirectTags.Contains(e.Tag) && e.Ip is { } ip && !ownAddresses.Contains(ip.Id)) return IpView.WithheldIndirect;
        return null;
    }

    /// <summary>True for an event the subject caused themselves: their own client is recorded on it.</summary>
    public static bool Direct(SubjectScope s, EventRow e) =>
        !EventDetails.IndirectTags.Contains(e.Tag) && !EventDetails.CausedByAnother(e.Details, s.Usernames);
}
