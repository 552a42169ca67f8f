using Cheeseshop.Core.Disclosure;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>The client columns every event table shares, and how an event fills them.</summary>
internal static class EventColumns
{
    public static readonly Column[] Client =
    [
        Text("ip_address", "The client's IP address if still held"),
        Text("ip_status", "held; erased on DATE under the retention policy; withheld (caused, or possibly caused, by another user); or none recorded"),
        Text("ip_keyed_hash", "HMAC-SHA256 of the address under the server's secret: the same value means the same client, even after the address is erased"),
        Text("country", "Country of the address (ISO 3166 code), when known"),
        Text("user_agent", "The client's User-Agent as recorded"),
        Text("user_agent_name", "The installer or browser the user agent names"),
        Text("user_agent_version", "Its version"),
        Text("user_agent_system", "The operating system it names"),
    ];

    /// <summary>Puts the client columns of <paramref name="e"/> into <paramref name="row"/> from <paramref name="at"/> on.</summary>
    /// <param name="withheld">Why the client is withheld, or null to show it.</param>
    /// <param name="views">IP views already made in this production (an IP record's view is the same on every row), or null.</param>
    public static void Fill(object?[] row, int at, EventRow e, string? withheld, Dictionary<long, IpView>? views = null)
    {
        var ip = views is null ? IpView.Of(e.Ip, e.Details.CountryCode, withheld) : IpView.Of(e.Ip, e.Details.CountryCode, withheld, views);
        var ua = withheld is not null ? null : e.Details.UserAgent;
        var (name, version, system) = EventDetails.ParseUserAgent(ua);
        (row[at], row[at + 1], row[at + 2], row[at + 3]) = (ip.Address, ip.Status, ip.KeyedHash, ip.Country);
        (row[at + 4], row[at + 5], row[at + 6], row[at + 7]) = (ua, name, version, system);
    }
}
