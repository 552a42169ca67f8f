using System.Net;
using Cheeseshop.Core.Privacy;
using MaxMind.Db;

namespace Cheeseshop.Privacy;

/// <summary>
/// Country codes from a MaxMind-format database (.mmdb). Both MaxMind's GeoLite2-Country layout
/// (country.iso_code) and ip-location-db's (country_code) are read. The file is memory-mapped once
/// and shared; lookups are thread-safe.
/// </summary>
public sealed class MaxMindCountryLookup : ICountryLookup, IDisposable
{
    private readonly Reader _reader;

    public MaxMindCountryLookup(string path) => _reader = new Reader(path, FileAccessMode.MemoryMapped);

    public string? CountryOf(IPAddress address)
    {
        try
        {
            var record = _reader.Find<Dictionary<string, object>>(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            if (record is null) return null;
            if (record.TryGetValue("country_code", out var flat) && flat is string code) return code.ToUpperInvariant();
            if (record.TryGetValue("country", out var nested) && nested is Dictionary<string, object> country &&
                country.TryGetValue("iso_code", out var iso) && iso is string isoCode) return isoCode.ToUpperInvariant();
            return null;
        }
        catch (Exception e) when (e is InvalidDatabaseException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The configured database, or the one `cheeseshop geoip fetch` put in the data directory, or none.</summary>
    public static ICountryLookup Open(string? configuredPath, string dataDir, ILogger? log = null)
    {
        var path = configuredPath ?? DefaultPath(dataDir);
        if (!File.Exists(path))
        {
            if (configuredPath is not null) throw new FileNotFoundException($"The country database '{configuredPath}' (GeoIpDatabase) does not exist.");
            log?.LogInformation("No country database at {Path}: countries are recorded as unknown (run `cheeseshop geoip fetch`)", path);
            return new NoCountryLookup();
        }
        return new MaxMindCountryLookup(path);
    }

    public static string DefaultPath(string dataDir) => Path.Combine(dataDir, "geoip", "country.mmdb");

    public void Dispose() => _reader.Dispose();
}
