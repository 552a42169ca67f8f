using System.Net;

namespace Cheeseshop.Core.Privacy;

/// <summary>Client address to ISO 3166 country code. Null when unknown: nothing may fail for lack of it.</summary>
public interface ICountryLookup
{
    string? CountryOf(IPAddress address);
}

/// <summary>Used when no country database is configured.</summary>
public sealed class NoCountryLookup : ICountryLookup
{
    public string? CountryOf(IPAddress address) => null;
}
