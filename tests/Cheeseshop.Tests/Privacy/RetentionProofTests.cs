using System.Net;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Privacy;

/// <summary>
/// The proof the privacy issue asks for: a history played with client addresses from documentation
/// ranges, retention run as of 31 days later, and a scan of the raw database and the log for every
/// one of those addresses. None may remain, except a held user's, which go once the hold is released.
/// The keyed hashes and the events stay.
/// </summary>
public sealed class RetentionProofTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private const string CountriesSql = "SELECT COUNT(*) FROM ip_addresses WHERE country_code IS NOT NULL";

    private async Task UploadFromAsync(CheeseshopServer server, string token, string project, string version, string clientAddress)
    {
        using var response = await UploadWheelAsync(server, token, project, version, clientAddress);
        AssertEqual(HttpStatusCode.OK, response.StatusCode, $"upload from {clientAddress}: {response.ReasonPhrase}");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Retention_erases_every_raw_address_except_held_ones_until_the_hold_ends(Database db)
    {
        // A fresh server: the scan must see only this test's history.
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_GeoIpDatabase"] = CountryLookupTests.GeoIpDatabase,
        });
        var free = $"free-user-{db}".ToLowerInvariant();
        var held = $"held-user-{db}".ToLowerInvariant();
        await server.CreateUserAsync(free, Password);
        await server.CreateUserAsync(held, Password);
        var freeToken = await server.CreateTokenAsync(free);
        var heldToken = await server.CreateTokenAsync(held);

        string[] freeAddresses = ["203.0.113.10", "203.0.113.11", "2001:db8::10"];
        string[] heldAddresses = ["203.0.113.20", "2001:db8::20"];
        for (var i = 0; i < freeAddresses.Length; i++)
            await UploadFromAsync(server, freeToken, $"free-project-{db}".ToLowerInvariant(), $"1.{i}", freeAddresses[i]);
        for (var i = 0; i < heldAddresses.Length; i++)
            await UploadFromAsync(server, heldToken, $"held-project-{db}".ToLowerInvariant(), $"1.{i}", heldAddresses[i]);

        // Through the pages, from other addresses: a registration, a failed and a good sign-in, an email change.
        var visitor = $"web-user-{db}".ToLowerInvariant();
        string[] webAddresses = ["203.0.113.30", "203.0.113.31", "2001:db8::30", "2001:db8::31"];
        using (var registering = new Browser(server, webAddresses[0]))
        {
            await RegisterAsync(registering, visitor, $"{visitor}@example.com");
            await VerifyEmailAsync(server, registering, $"{visitor}@example.com");
        }
        using (var failing = new Browser(server, webAddresses[1]))
            AssertStatus(401, await LoginAsync(failing, visitor, "not the password at all"), "a failed sign-in");
        using (var signingIn = new Browser(server, webAddresses[2]))
            await SignedInAsync(signingIn, visitor);
        using (var changing = new Browser(server, webAddresses[3]))
        {
            await SignedInAsync(changing, visitor);
            AssertRedirect(await SubmitHandlerAsync(changing, "/manage/account", "AddEmail", Form(("email", $"{visitor}-2@example.com"))),
                "/manage/account", "adding an email");
        }
        freeAddresses = [.. freeAddresses, .. webAddresses];

        var before = await ServerDatabase.RawAsync(server);
        foreach (var a in freeAddresses.Concat(heldAddresses))
            Assert.True(ServerDatabase.Contains(before, a), $"{a} should be held in ip_addresses before retention runs");
        var events = await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM project_events") +
                     await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM user_events");
        var hashes = await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM ip_addresses");
        var countries = await ServerDatabase.CountAsync(server, CountriesSql);
        Assert.True(countries > 0, "the country database resolved some of the addresses");
        AssertEqual(9L, hashes, "one ip_addresses row per client address");

        var hold = await CliAsync(server, "holds", "create", "--user", held, "--until", DateTime.UtcNow.AddDays(365).ToString("yyyy-MM-dd"), "--reason", "test preservation order");
        AssertSucceeded(hold, "holds create");
        var holdId = hold.Stdout.Trim();

        var asOf = DateTime.UtcNow.AddDays(31).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var dry = await CliAsync(server, "retention", "run", "--dry-run", "--as-of", asOf);
        AssertSucceeded(dry, "retention dry run");
        Assert.Matches(@"raw_ip_address\s+7 would be erased", dry.Stdout);
        Assert.True(ServerDatabase.Contains(await ServerDatabase.RawAsync(server), freeAddresses[0]), "a dry run changes nothing");

        var run = await CliAsync(server, "retention", "run", "--as-of", asOf);
        AssertSucceeded(run, "retention run");
        Assert.Matches(@"raw_ip_address\s+7 erased", run.Stdout);

        var after = await ServerDatabase.RawAsync(server);
        foreach (var a in freeAddresses)
            Assert.False(ServerDatabase.Contains(after, a), $"{a} must be gone from the raw database ({db}) after retention");
        foreach (var a in heldAddresses)
            Assert.True(ServerDatabase.Contains(after, a), $"{a} belongs to a held user and must stay");
        AssertEqual(hashes, await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM ip_addresses"), "keyed hashes stay");
        AssertEqual(7L, await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM ip_addresses WHERE address IS NULL AND address_erased_at IS NOT NULL"), "erasure is recorded");
        AssertEqual(countries, await ServerDatabase.CountAsync(server, CountriesSql), "countries stay");
        AssertEqual(events, await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM project_events") +
                            await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM user_events"), "events stay");

        AssertSucceeded(await CliAsync(server, "holds", "release", holdId), "holds release");
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", asOf), "retention run after release");
        var released = await ServerDatabase.RawAsync(server);
        foreach (var a in freeAddresses.Concat(heldAddresses))
            Assert.False(ServerDatabase.Contains(released, a), $"{a} must be gone once the hold is released");

        foreach (var a in freeAddresses.Concat(heldAddresses))
            Assert.DoesNotContain(a, server.Output);
        var audit = await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM admin_audit WHERE action IN ('hold.create', 'hold.release', 'retention.run') AND actor LIKE 'cli:%'");
        AssertEqual(4L, audit, "hold changes and the command-line runs are in the admin audit log");
    }
}
