using Cheeseshop.Tests.Accounts;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// The public transparency report on a fresh server: /transparency.json and /transparency count every
/// request by kind and outcome, with accounts, notices and preservation requests; a request under a
/// nondisclosure order and a user's own data request are counted but never listed; the CLI prints the
/// same figures.
/// </summary>
public sealed class TransparencyReportTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_report_counts_every_request_and_lists_none_under_an_order(Database db)
    {
        // Its own server: the counts must be exactly this test's.
        await using var server = await CheeseshopServer.StartAsync(db);
        var kim = Unique("kim", db);
        var lee = Unique("lee", db);
        await server.CreateUserAsync(kim, Password);
        await server.CreateUserAsync(lee, Password);

        var subpoena = await SubpoenaAsync(server, [kim, lee]);
        AssertNoSecrets((await ProduceAsync(server, subpoena)).Package, await StoredSecretsAsync(server), "the subpoena's package");
        AssertSucceeded(await CliAsync(server, "legal", "close", subpoena.ToString(), "--outcome", "partial"), "closing the subpoena");
        const string sealedAuthority = "Sealed Court of Somewhere";
        await CreateRequestAsync(server, "--kind", "court-order", "--authority", sealedAuthority, "--reference", "S-1",
            "--received", Day(Today), "--due", Day(Today.AddDays(5)), "--subject", lee, "--nondisclosure-until", Day(Today.AddDays(60)));
        var preservation = await CreateRequestAsync(server, "--kind", "preservation", "--authority", "Police of Elsewhere", "--reference", "PR-9",
            "--received", Day(Today), "--due", Day(Today.AddDays(5)), "--subject", kim);
        AssertSucceeded(await CliAsync(server, "legal", "close", preservation.ToString(), "--outcome", "withdrawn"), "closing the preservation request");
        var leePath = Path.Combine(TempPaths.NewDirectory("e"), "lee.zip");
        var export = await CliAsync(server, "users", "export", lee, "--out", leePath);
        AssertSucceeded(export, "users export");
        AssertNoSecrets(ReadProduced(export, leePath).Package, await StoredSecretsAsync(server), "the export");

        using var response = await server.Http.GetAsync("transparency.json");
        AssertEqual(HttpStatusCode.OK, response.StatusCode, "GET /transparency.json");
        AssertEqual("application/json", response.Content.Headers.ContentType?.MediaType, "content type");
        var json = await response.Content.ReadAsStringAsync();
        var period = Assert.Single(JsonDocument.Parse(json).RootElement.GetProperty("periods").EnumerateArray());
        AssertEqual($"{Today.Year}-H{(Today.Month <= 6 ? 1 : 2)}", period.GetProperty("period").GetString(), "the half-year");
        var totals = period.GetProperty("totals");
        AssertEqual(4, totals.GetProperty("received").GetInt32(), "requests received");
        AssertEqual(1, totals.GetProperty("answered_in_full").GetInt32(), "answered in full (the export)");
        AssertEqual(1, totals.GetProperty("answered_in_part").GetInt32(), "answered in part (the subpoena)");
        AssertEqual(1, totals.GetProperty("withdrawn").GetInt32(), "withdrawn (the preservation request)");
        AssertEqual(1, totals.GetProperty("open").GetInt32(), "still open (the court order)");
        AssertEqual(2, totals.GetProperty("accounts_affected").GetInt32(), "accounts affected (each counted once)");
        AssertEqual(4, totals.GetProperty("users_notified").GetInt32(), "users notified (two for the subpoena, one each for the preservation request and the export)");
        AssertEqual(1, period.GetProperty("preservation_requests").GetInt32(), "preservation requests");
        AssertEqual(1, period.GetProperty("under_nondisclosure_order").GetInt32(), "under an order");
        var byKind = period.GetProperty("by_kind").EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!);
        AssertEqual(2, byKind["subpoena"].GetProperty("accounts_affected").GetInt32(), "accounts of the subpoena");
        AssertEqual(1, byKind["court-order"].GetProperty("received").GetInt32(), "court orders received");
        AssertEqual(1, byKind["data-subject"].GetProperty("answered_in_full").GetInt32(), "data exports");
        var items = period.GetProperty("requests").EnumerateArray().ToList();
        Assert.Equal(["subpoena", "preservation"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.DoesNotContain(sealedAuthority, json);
        Assert.DoesNotContain(kim, json);
        Assert.DoesNotContain(lee, json);

        var page = await server.Http.GetAsync("transparency");
        var html = await page.Content.ReadAsStringAsync();
        AssertEqual(HttpStatusCode.OK, page.StatusCode, "GET /transparency");
        Assert.Contains("Transparency report", html);
        Assert.Contains("United States Department of Justice", html);
        Assert.Contains("answered in part", html);
        Assert.DoesNotContain(sealedAuthority, html);
        AssertEqual(HttpStatusCode.BadRequest, (await server.Http.GetAsync("transparency.json?period=2026-Q3")).StatusCode, "a bad period");

        // The CLI prints the same figures.
        var cli = await CliAsync(server, "transparency", "--format", "json");
        AssertSucceeded(cli, "transparency --format json");
        AssertEqual(WithoutAsOf(json), WithoutAsOf(cli.Stdout), "the CLI's report and the page's");
        var md = await CliAsync(server, "transparency", "--period", period.GetProperty("period").GetString()!);
        AssertSucceeded(md, "transparency (markdown)");
        AssertOutputContains(md, "| **All** | 4 | 1 | 1 | 0 | 1 | 1 | 2 | 4 | 0 |", "the markdown totals row");
        AssertSucceeded(await CliAsync(server, "transparency", "--format", "html"), "transparency --format html");
        AssertFailed(await CliAsync(server, "transparency", "--format", "pdf"), "an unknown format", "--format 'pdf'");
    }

    private static string WithoutAsOf(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("as_of");
        return node.ToJsonString();
    }
}
