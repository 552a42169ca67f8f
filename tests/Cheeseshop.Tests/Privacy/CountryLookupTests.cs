using System.Net;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Privacy;

/// <summary>
/// Country lookup with the real CC0 database (scripts/test.sh fetches it with `cheeseshop geoip fetch`
/// and names it in CHEESESHOP_TEST_GEOIP): the country lands on the ip_addresses row and in the event,
/// and stays after the address is erased.
/// </summary>
public sealed class CountryLookupTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static string GeoIpDatabase =>
        Environment.GetEnvironmentVariable("CHEESESHOP_TEST_GEOIP") is { Length: > 0 } path && File.Exists(path) ? path
        : throw new InvalidOperationException("CHEESESHOP_TEST_GEOIP does not name a country database; run ./scripts/test.sh, which fetches one.");

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Events_record_the_clients_country_which_outlives_the_address(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_GeoIpDatabase"] = GeoIpDatabase,
        });
        await server.CreateUserAsync("geo-user", Password);
        var token = await server.CreateTokenAsync("geo-user");
        // 8.8.8.8 is registered in the United States.
        using (var response = await UploadWheelAsync(server, token, "geo-project", "1.0", "8.8.8.8"))
            AssertEqual(HttpStatusCode.OK, response.StatusCode, "upload from 8.8.8.8");

        await using (var ctx = ServerDatabase.Open(server))
        {
            var rows = await ctx.IpAddresses.AsNoTracking().ToListAsync();
            AssertEqual("US", rows.Single(r => r.Address == "8.8.8.8").CountryCode, "country of 8.8.8.8");
            var fileEvent = await ctx.ProjectEvents.AsNoTracking().Where(e => e.Tag == "file:add").Include(e => e.IpAddress)
                .ToListAsync();
            Assert.Contains(fileEvent, e => e.IpAddress!.Address == "8.8.8.8" && e.AdditionalJson.Contains("\"country_code\":\"US\""));
        }

        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", DateTime.UtcNow.AddDays(31).ToString("O")), "retention");
        await using (var ctx = ServerDatabase.Open(server))
        {
            var us = await ctx.IpAddresses.AsNoTracking().SingleAsync(r => r.CountryCode == "US");
            AssertEqual<string?>(null, us.Address, "the address is erased");
            Assert.Equal(64, us.HashedIp.Length);
        }
    }
}
