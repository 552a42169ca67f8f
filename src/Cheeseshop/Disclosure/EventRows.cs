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
    public const string WithheldIndirect = "withheld: possibly caused by another user";

    /// <param name="withheld">Why the client is withheld (Withheld or WithheldIndirect), or null to show it.</param>
    public static IpView Of(IpAddressRecord? ip, string? eventCountry, string? withheld)
    {
        if (withheld is not null) return new IpView(null, withheld, null, null, null);
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
    /// <summary>Account events of the subject (all tags, or only <paramref name="tags"/>), in the scope or (<paramref name="wholeHistory"/>) up to its end.</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> UserEventsAsync(SubjectScope s, string[]? tags, CancellationToken ct, bool wholeHistory = false) =>
        Paging.PagesAsync(after =>
        {
            var from = wholeHistory ? DateTime.MinValue.AddYears(1) : s.From;
            var q = s.Db.UserEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Id > after && e.Time >= from && e.Time < s.End);
            if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
            return q.OrderBy(e => e.Id).Select(e => new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson, e.IpAddress, null));
        }, r => r.Id, ct);

    /// <summary>Project events the subject caused (project_events.user_id), with the project's current name.</summary>
    public static IAsyncEnumerable<IReadOnlyList<EventRow>> ProjectEventsAsync(SubjectScope s, string[]? tags, CancellationToken ct, bool wholeHistory = false) =>
        Paging.PagesAsync(after =>
        {
            var from = wholeHistory ? DateTime.MinValue.AddYears(1) : s.From;
            var q = s.Db.ProjectEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Id > after && e.Time >= from && e.Time < s.End);
            if (tags is not null) q = q.Where(e => tags.Contains(e.Tag));
            return from e in q.OrderBy(e => e.Id)
                   join p in s.Db.Projects on e.ProjectId equals p.Id into projects
                   from p in projects.DefaultIfEmpty()
                   orderby e.Id
                   select new EventRow(e.Id, e.Tag, e.Time, e.AdditionalJson, e.IpAddress, p == null ? null : p.Name);
        }, r => r.Id, ct);

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
