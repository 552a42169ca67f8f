using System.Net;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Downloads;
using Cheeseshop.Privacy;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Downloads;

/// <summary>The recorder's per-address country cache, over a real MaxMind database.</summary>
public sealed class CountryCacheTests
{
    /// <summary>The real lookup, counting how often it is asked.</summary>
    private sealed class Counting(ICountryLookup inner) : ICountryLookup
    {
        public int Calls;
        public string? CountryOf(IPAddress address)
        {
            Interlocked.Increment(ref Calls);
            return inner.CountryOf(address);
        }
    }

    [Fact]
    public void Answers_as_the_database_does_and_asks_it_once_per_address()
    {
        var dir = TempPaths.NewDirectory("country-cache");
        try
        {
            var path = Path.Combine(dir, "country.mmdb");
            File.WriteAllBytes(path, TestCountryDatabase.Build(("192.0.2.0/24", "NL"), ("198.51.100.0/24", "JP")));
            using var database = new MaxMindCountryLookup(path);
            var counting = new Counting(database);
            var cache = new CountryCache(counting);

            for (var i = 0; i < 100; i++)
            {
                Assert.Equal("NL", cache.CountryOf(IPAddress.Parse("192.0.2.7")));
                Assert.Equal("JP", cache.CountryOf(IPAddress.Parse("198.51.100.9")));
                // Unknown is remembered too: an address outside the database is not looked up again.
                Assert.Null(cache.CountryOf(IPAddress.Parse("203.0.113.1")));
            }
            Assert.Equal(3, counting.Calls);

            // Past MaxEntries addresses a new generation starts; answers stay right.
            for (var i = 0; i < CountryCache.MaxEntries + 10; i++)
                cache.CountryOf(new IPAddress(BitConverter.GetBytes(0x0A000000u + (uint)i)));
            Assert.Equal("NL", cache.CountryOf(IPAddress.Parse("192.0.2.7")));
            Assert.Equal("JP", cache.CountryOf(IPAddress.Parse("198.51.100.9")));
        }
        finally
        {
            TempPaths.TryDelete(dir);
        }
    }
}
