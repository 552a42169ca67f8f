using System.Text.Json;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Legal.DisclosurePackage;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A court order with a nondisclosure order, a narrow scope and two categories: the package holds only
/// what is inside the scope and the categories asked for; closing does not tell the user; the notice
/// waits and the daily job's work (`legal notices`) sends it on the day the order ends; meanwhile the
/// transparency report counts the request but does not list it.
/// </summary>
public sealed class NondisclosureOrderTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_notice_waits_for_the_order_to_end_and_only_the_scope_and_categories_asked_for_are_produced(Database db)
    {
        var server = await ServerAsync(db);
        var carol = Unique("carol", db);
        var carolEmail = $"{carol}@example.org";
        using var browser = new Browser(server, "203.0.113.70");
        await RegisterAsync(browser, carol, carolEmail);
        await VerifyEmailAsync(server, browser, carolEmail);
        await LogoutAsync(browser);
        await SignedInAsync(browser, carol);

        var orderEnds = Today.AddDays(20);
        var authority = "District Court " + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateRequestAsync(server, "--kind", "court-order", "--authority", authority, "--reference", "Case 1:26-cv-0042",
            "--received", Day(Today), "--due", Day(Today.AddDays(14)), "--subject", carol,
            "--category", "instrument-numbers", "--category", "names",
            "--from", Day(Today), "--to", Day(Today),
            "--nondisclosure-until", Day(orderEnds));

        var (package, _, _) = await ProduceAsync(server, id);
        var requested = package.Subject(carol).GetProperty("categories").EnumerateArray()
            .Where(c => c.GetProperty("requested").GetBoolean()).Select(c => c.GetProperty("key").GetString()).ToList();
        Assert.Equal(["names", "instrument-numbers"], requested);
        foreach (var c in package.Subject(carol).GetProperty("categories").EnumerateArray().Where(c => !c.GetProperty("requested").GetBoolean()))
        {
            Assert.Empty(c.GetProperty("files").EnumerateArray());
            Assert.False(c.GetProperty("held").GetBoolean());
            Assert.StartsWith("Not requested", c.GetProperty("statement").GetString());
        }
        Assert.DoesNotContain(package.Entries.Keys, k => k.Contains("/03-connection-records/") || k.Contains("/02-addresses/"));
        AssertEqual(Instant(Today).Replace("Z", ".000000Z"), package.Request.GetProperty("scope").GetProperty("from").GetString(), "scope from");
        AssertEqual(Instant(Today.AddDays(1)).Replace("Z", ".000000Z"), package.Request.GetProperty("scope").GetProperty("to").GetString(), "scope to (exclusive)");
        Assert.Single(package.Rows(carol, "instrument-numbers", "ip-addresses"), r => Cell(r, "ip_address") == "203.0.113.70");
        var secrets = await StoredSecretsAsync(server);
        AssertNoSecrets(package, [.. secrets, SessionCookie(server, browser)], "the court order's package");

        // A scope that ended yesterday holds none of today's records.
        var past = await CreateRequestAsync(server, "--kind", "court-order", "--authority", "Magistrate " + Guid.NewGuid().ToString("N")[..6], "--reference", "Case 1:26-cv-0043",
            "--received", Day(Today), "--due", Day(Today.AddDays(14)), "--subject", carol, "--to", Day(Today.AddDays(-1)), "--category", "instrument-numbers");
        var (old, _, _) = await ProduceAsync(server, past);
        Assert.Empty(old.Rows(carol, "instrument-numbers", "ip-addresses"));
        Assert.False(old.Held(carol, "instrument-numbers"));
        AssertNoSecrets(old, secrets, "the narrow package");
        AssertSucceeded(await CliAsync(server, "legal", "close", past.ToString(), "--outcome", "produced"), "closing the second request");

        // Closing under the order: no notice yet, and the report counts the request without listing it.
        var before = Outbox.All(server.DataDir).Count(m => m.To == carolEmail && m.Subject.Contains("legal request"));
        var close = await CliAsync(server, "legal", "close", id.ToString(), "--outcome", "produced");
        AssertSucceeded(close, "legal close under an order");
        AssertOutputContains(close, $"waiting until {Day(orderEnds)}", "the close output");
        AssertEqual(before, Outbox.All(server.DataDir).Count(m => m.To == carolEmail && m.Subject.Contains("legal request")), "notices right after closing under an order");
        var report = await TransparencyJsonAsync(server, null);
        Assert.DoesNotContain(authority, report.GetRawText());
        Assert.True(Period(report).GetProperty("under_nondisclosure_order").GetInt32() >= 1);

        // The daily job's work: nothing before the day, the notice on it.
        var early = await CliAsync(server, "legal", "notices", "--as-of", Instant(orderEnds.AddDays(-1)));
        AssertSucceeded(early, "legal notices before the order ends");
        AssertEqual(before, Outbox.All(server.DataDir).Count(m => m.To == carolEmail && m.Subject.Contains("legal request")), "notices before the order ends");
        var due = await CliAsync(server, "legal", "notices", "--as-of", Instant(orderEnds));
        AssertSucceeded(due, "legal notices on the day the order ends");
        AssertOutputContains(due, "1 sent", "legal notices");
        var notice = Outbox.Latest(server.DataDir, carolEmail, "A legal request concerning your account");
        Assert.Contains($"a court order from {authority}", notice.Body);
        Assert.Contains($"an order forbade it until {Day(orderEnds)}", notice.Body);
        Assert.Contains("(instrument-numbers)", notice.Body);
        AssertSucceeded(await CliAsync(server, "legal", "notices", "--as-of", Instant(orderEnds.AddDays(1))), "legal notices again");
        AssertEqual(before + 1, Outbox.All(server.DataDir).Count(m => m.To == carolEmail && m.Subject.Contains("legal request")), "a notice is sent once");

        // Once the order has ended the request is listed (judged as of that day).
        var later = await TransparencyJsonAsync(server, Instant(orderEnds.AddDays(1)));
        Assert.Contains(Items(later), i => i.GetProperty("authority").GetString() == authority && i.GetProperty("categories_disclosed").EnumerateArray().Select(c => c.GetString()).SequenceEqual(["names", "instrument-numbers"]));
        Assert.True(Period(later).GetProperty("by_kind").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "court-order").GetProperty("notices_delayed_by_order").GetInt32() >= 1);
    }

    private async Task<JsonElement> TransparencyJsonAsync(CheeseshopServer server, string? asOf)
    {
        var args = new List<string> { "transparency", "--format", "json", "--period", $"{Today.Year}-H{(Today.Month <= 6 ? 1 : 2)}" };
        if (asOf is not null) args.AddRange(["--as-of", asOf]);
        var result = await CliAsync(server, args.ToArray());
        AssertSucceeded(result, "transparency --format json");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private static JsonElement Period(JsonElement report) => Assert.Single(report.GetProperty("periods").EnumerateArray());

    private static IEnumerable<JsonElement> Items(JsonElement report) => Period(report).GetProperty("requests").EnumerateArray();
}
