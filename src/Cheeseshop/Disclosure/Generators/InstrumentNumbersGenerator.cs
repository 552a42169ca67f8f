using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>
/// 6. instrument-numbers: every IP address the subject's own events point at (account events not caused,
/// or possibly caused, by someone else, and project events the subject caused), with first and last time
/// seen for this subject, how many events, and the address the account was registered from flagged. An
/// erased address is stated as erased, with its keyed hash. The database aggregates the events that are
/// certainly the subject's; only the few that may name someone else are read one by one, so the cost
/// follows the number of distinct addresses, not of events.
/// </summary>
public sealed class InstrumentNumbersGenerator : ICategoryGenerator
{
    public static readonly TableSpec Addresses = new("ip-addresses", "IP addresses associated with the subject.",
    [
        Text("ip_address", "The address, if still held"),
        Text("status", "held, or erased on DATE under the retention policy"),
        Text("ip_keyed_hash", "HMAC-SHA256 of the address under the server's secret"),
        Text("country", "Country of the address (ISO 3166 code), when known"),
        Time("first_seen", "The subject's first event from this address in the scope"),
        Time("last_seen", "The subject's last event from this address in the scope"),
        Integer("events", "How many of the subject's events came from it"),
        Boolean("registration", "Whether the account was created from this address"),
    ]);

    public string Key => Core.Disclosure.Categories.InstrumentNumbers;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var seen = new Dictionary<long, AddressUse>();
        void Count(long ip, DateTime first, DateTime last, long events, bool registration) => AddressUse.Count(seen, ip, first, last, events, registration);

        if (s.AccountAddressUse is { } counted)
            // connection-records has already read the same account events and counted them, as CountAccountEventsAsync does.
            foreach (var (ip, x) in counted) Count(ip, x.First, x.Last, x.Events, x.Registration);
        else await CountAccountEventsAsync(s, Count, ct);

        var byProject = await s.Db.ProjectEvents.AsNoTracking().Where(e => e.UserId == s.Id && e.Time >= s.From && e.Time < s.End && e.IpAddressId != null)
            .GroupBy(e => e.IpAddressId!.Value)
            .Select(g => new { Ip = g.Key, First = g.Min(e => e.Time), Last = g.Max(e => e.Time), Events = g.LongCount() })
            .ToListAsync(ct);
        foreach (var p in byProject) Count(p.Ip, p.First, p.Last, p.Events, false);

        var records = new Dictionary<long, IpFacts>();
        foreach (var chunk in seen.Keys.Chunk(1000))
            foreach (var r in await s.Db.IpAddresses.AsNoTracking().Where(i => chunk.Contains(i.Id))
                         .Select(i => new IpFacts(i.Id, i.Address, i.HashedIp, i.CountryCode, i.AddressErasedAt)).ToListAsync(ct))
                records[r.Id] = r;

        long held = 0, erased = 0;
        await tables.WriteAsync(Addresses, w =>
        {
            foreach (var (id, x) in seen.OrderBy(x => x.Value.First).ThenBy(x => x.Key))
            {
                var view = IpView.Of(records.GetValueOrDefault(id), null, null);
                if (view.Address is null) erased++;
                else held++;
                w.Add(view.Address, view.Status, view.KeyedHash, view.Country, x.First, x.Last, x.Events, x.Registration);
            }
        });
        var registrationKnown = seen.Values.Any(x => x.Registration);
        return new CategoryOutcome(seen.Count > 0, CategoryStatements.InstrumentNumbers(held, erased, registrationKnown, s.Windows));
    }

    /// <summary>The addresses of the subject's in-scope account events whose client is shown (<see cref="EventRows.Withheld"/> is null).</summary>
    private static async Task CountAccountEventsAsync(SubjectScope s, Action<long, DateTime, DateTime, long, bool> count, CancellationToken ct)
    {
        const string created = EventTags.Account.Created;
        var direct = await EventRows.InScope(s).Where(EventRows.CertainlyDirect).Where(e => e.IpAddressId != null)
            .GroupBy(e => e.IpAddressId!.Value)
            .Select(g => new { Ip = g.Key, First = g.Min(e => e.Time), Last = g.Max(e => e.Time), Events = g.LongCount(), Registration = g.Max(e => e.Tag == created ? 1 : 0) })
            .ToListAsync(ct);
        foreach (var d in direct) count(d.Ip, d.First, d.Last, d.Events, d.Registration == 1);

        var own = await s.OwnAddressesAsync(ct);
        await foreach (var e in EventRows.UserEvents(s, null, filter: EventRows.MayNotBeDirect).WithCancellation(ct))
            if (e.Ip is not null && EventRows.Withheld(s, e, own) is null) count(e.Ip.Id, e.Time, e.Time, 1, e.Tag == created);
    }
}
