using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data.Entities;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>
/// 6. instrument-numbers: every IP address the subject's own events point at (account events not caused,
/// or possibly caused, by someone else, and project events the subject caused), with first and last time seen for this
/// subject, how many events, and the address the account was registered from flagged. An erased address
/// is stated as erased, with its keyed hash. Memory grows with the number of distinct addresses, not of events.
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

    private sealed class Seen(IpAddressRecord ip, DateTime first)
    {
        public IpAddressRecord Ip { get; } = ip;
        public DateTime First { get; set; } = first;
        public DateTime Last { get; set; } = first;
        public long Events { get; set; }
        public bool Registration { get; set; }
    }

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var seen = new Dictionary<long, Seen>();
        void Count(EventRow e, bool registration)
        {
            if (e.Ip is null) return;
            if (!seen.TryGetValue(e.Ip.Id, out var x)) seen[e.Ip.Id] = x = new Seen(e.Ip, e.Time);
            if (e.Time < x.First) x.First = e.Time;
            if (e.Time > x.Last) x.Last = e.Time;
            x.Events++;
            x.Registration |= registration;
        }
        var registrationKnown = false;
        var own = await s.OwnAddressesAsync(ct);
        await foreach (var page in EventRows.UserEventsAsync(s, null, ct))
        {
            foreach (var e in page)
            {
                if (EventRows.Withheld(s, e, own) is not null) continue;
                var registration = e.Tag == EventTags.Account.Created;
                registrationKnown |= registration && e.Ip is not null;
                Count(e, registration);
            }
        }
        await foreach (var page in EventRows.ProjectEventsAsync(s, null, ct))
            foreach (var e in page) Count(e, false);

        long held = 0, erased = 0;
        await tables.WriteAsync(Addresses, w =>
        {
            foreach (var x in seen.Values.OrderBy(x => x.First).ThenBy(x => x.Ip.Id))
            {
                var view = IpView.Of(x.Ip, null, null);
                if (view.Address is null) erased++;
                else held++;
                w.Add(view.Address, view.Status, view.KeyedHash, view.Country, x.First, x.Last, x.Events, x.Registration);
            }
        });
        return new CategoryOutcome(seen.Count > 0, CategoryStatements.InstrumentNumbers(held, erased, registrationKnown, s.Windows));
    }
}
