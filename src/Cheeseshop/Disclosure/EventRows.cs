using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>An event with the IP record it points at (if any).</summary>
public sealed record EventRow(long Id, string Tag, DateTime Time, string AdditionalJson, IpAddressRecord? Ip, string? Project)
{
    public EventDetailsView Details { get; } = EventDetails.Read(AdditionalJson);
}

/// <summary>How an event's client is shown: the address as held, or why not.</summary>
public sealed record IpView(string? Address, string Status, string? KeyedHash, string? Country, DateTime? ErasedAt)
{
    public const string Held = "held";
    public const string None = "none recorded";
    public const string Withheld = "withheld: caused by another user";

    public static IpView Of(IpAddressRecord? ip, string? eventCountry, bool withheld)
    {
        if (withheld) return new IpView(null, Withheld, null, null, null);
        if (ip is null) return new IpView(null, None, null, eventCountry, null);
        var country = ip.CountryCode ?? eventCountry;
        return ip.Address is { } address
            ? new IpView(address, Held, ip.HashedIp, country, null)
            : new IpView(null, Erased(ip.AddressErasedAt), ip.HashedIp, country, ip.AddressErasedAt);
    }

    public static string Erased(DateTime? when) =>
        when is { } t ? $"erased on {LegalDates.Date(t)} under the retention policy" : "erased under the retention policy";
}

/// <summary>The subject's own events, page by page in id order, inside the scope.</summary>
internal static class EventRows
{
    /// <summary>Account events of the subject (all tags, or only <paramref name="tags"/>).</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> UserEventsAsync(SubjectScope s, string[]? tags, CancellationToken ct) =>
        Paging.PagesAsync(after =>
        {
            var q = s.Db.UserEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Id > after && e.Time >= s.From && e.Time < s.End);
            if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
            return q.OrderBy(e => e.Id).Select(e => new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson, e.IpAddress, null));
        }, r => r.Id, ct);

    /// <summary>Project events the subject caused (project_events.user_id), with the project's current name.</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> ProjectEventsAsync(SubjectScope s, string[]? tags, CancellationToken ct) =>
        Paging.PagesAsync(after =>
        {
            var q = s.Db.ProjectEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Id > after && e.Time >= s.From && e.Time < s.End);
            if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
            return from e in q.OrderBy(e => e.Id)
                   join p in s.Db.Projects on e.ProjectId equals p.Id into projects
                   from p in projects.DefaultIfEmpty()
                   orderby e.Id
                   select new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson, e.IpAddress, p == null ? null : p.Name);
        }, r => r.Id, ct);

    /// <summary>True when the recorded client of this account event is another user's (see EventDetails.CausedByAnother).</summary>
    public static bool Withheld(SubjectScope s, EventRow e) => EventDetails.CausedByAnother(e.Details, s.Usernames);
}
