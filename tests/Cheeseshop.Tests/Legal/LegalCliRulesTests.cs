using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// The verbs refuse bad input with a message naming what is wrong and write nothing; --out is never
/// overwritten without --force; holds follow requests (a preservation request holds and produces
/// nothing; closing one request leaves another's hold on the same account in place).
/// </summary>
public sealed class LegalCliRulesTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private static async Task<(long Requests, long Holds, long Audit, long Disclosures)> CountsAsync(CheeseshopServer server) => (
        await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM legal_requests"),
        await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM legal_holds"),
        await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'legal.%' AND action <> 'legal.list'"),
        await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM disclosures"));

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Bad_input_is_refused_by_name_and_writes_nothing(Database db)
    {
        var server = await ServerAsync(db);
        var dave = Unique("dave", db);
        await server.CreateUserAsync(dave, Password);
        var before = await CountsAsync(server);
        string[] Valid(params string[] replace)
        {
            var options = new Dictionary<string, string>
            {
                ["--kind"] = "subpoena", ["--authority"] = "A court", ["--reference"] = "R-1",
                ["--received"] = Day(Today), ["--due"] = Day(Today.AddDays(10)), ["--subject"] = dave,
            };
            for (var i = 0; i < replace.Length; i += 2) options[replace[i]] = replace[i + 1];
            return ["legal", "create", .. options.SelectMany(o => new[] { o.Key, o.Value })];
        }

        AssertFailed(await CliAsync(server, Valid("--subject", "no-such-user-x")), "an unknown username", "--subject 'no-such-user-x'", "no user");
        AssertFailed(await CliAsync(server, Valid("--due", Day(Today.AddDays(-1)))), "a due date before the received date", $"--due {Day(Today.AddDays(-1))} is before --received {Day(Today)}");
        AssertFailed(await CliAsync(server, Valid("--category", "cookies")), "an unknown category", "--category 'cookies' is not a disclosure category");
        AssertFailed(await CliAsync(server, Valid("--kind", "letter")), "an unknown kind", "--kind 'letter' is not a request kind");
        AssertFailed(await CliAsync(server, Valid("--received", "31/12/2026")), "a date in another form", "--received '31/12/2026' is not a date");
        AssertFailed(await CliAsync(server, Valid("--from", Day(Today), "--to", Day(Today.AddDays(-2)))), "an empty scope", "the scope would be empty");
        var both = await CliAsync(server, Valid("--kind", "letter", "--due", "soon"));
        AssertFailed(both, "two problems at once", "--kind 'letter'", "--due 'soon'");
        AssertEqual(before, await CountsAsync(server), "rows after refused input");

        // A missing data directory stays missing: nothing is created for input that is refused anyway.
        var nowhere = Path.Combine(TempPaths.NewDirectory("nowhere"), "data");
        var fresh = await ProcessRunner.RunAsync(ServerBinary.DotnetHost, [ServerBinary.Path, .. Valid("--kind", "letter"), "--data-dir", nowhere]);
        Assert.False(fresh.Succeeded);
        Assert.False(Directory.Exists(nowhere), "refused input must not create a data directory");

        var id = await SubpoenaAsync(server, [dave]);
        AssertFailed(await CliAsync(server, "legal", "produce", "999999", "--out", Path.Combine(TempPaths.NewDirectory("p"), "x.zip")), "an unknown request", "There is no legal request 999999");
        var existing = Path.Combine(TempPaths.NewDirectory("p"), "already.zip");
        await File.WriteAllTextAsync(existing, "keep me");
        AssertFailed(await CliAsync(server, "legal", "produce", id.ToString(), "--out", existing), "an existing --out", "already exists; pass --force");
        AssertEqual("keep me", await File.ReadAllTextAsync(existing), "the existing file");
        AssertFailed(await CliAsync(server, "legal", "produce", id.ToString(), "--out", Path.Combine(TempPaths.Root, "no-such-folder", "x.zip")), "a missing folder", "does not exist");
        AssertFailed(await CliAsync(server, "legal", "produce", id.ToString(), "--out", existing, "--force", "--as-of", "yesterday"), "a bad --as-of", "--as-of 'yesterday' is not an ISO 8601 time");
        AssertEqual("keep me", await File.ReadAllTextAsync(existing), "the existing file after a refused --force");
        AssertEqual(0L, await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM disclosures"), "disclosures after refused productions");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(existing)!, "*.partial*"));

        var forced = await CliAsync(server, "legal", "produce", id.ToString(), "--out", existing, "--force");
        AssertSucceeded(forced, "produce --force");
        AssertNoSecrets(ReadProduced(forced, existing).Package, await StoredSecretsAsync(server), "the forced package");
        AssertFailed(await CliAsync(server, "legal", "close", id.ToString(), "--outcome", "finished"), "an unknown outcome", "--outcome 'finished' is not an outcome");
        AssertFailed(await CliAsync(server, "users", "export", "no-such-user-y", "--out", Path.Combine(TempPaths.NewDirectory("p"), "u.zip")), "exporting an unknown user", "no user named 'no-such-user-y'");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Holds_follow_their_requests_and_a_preservation_request_produces_nothing(Database db)
    {
        var server = await ServerAsync(db);
        var erin = Unique("erin", db);
        await server.CreateUserAsync(erin, Password);
        var user = (await ServerDatabase.UserAsync(server, erin))!;
        async Task<long> ActiveHoldsAsync()
        {
            await using var dbc = ServerDatabase.Open(server);
            return await dbc.LegalHolds.LongCountAsync(h => h.UserId == user.Id && h.ReleasedAt == null);
        }

        var subpoena = await SubpoenaAsync(server, [erin]);
        var preservation = await CreateRequestAsync(server, "--kind", "preservation", "--authority", "FBI", "--reference", "P-7",
            "--received", Day(Today), "--due", Day(Today.AddDays(90)), "--subject", erin);
        AssertEqual(2L, await ActiveHoldsAsync(), "holds placed by two requests");

        AssertFailed(await CliAsync(server, "legal", "produce", preservation.ToString(), "--out", Path.Combine(TempPaths.NewDirectory("p"), "p.zip")),
            "producing a preservation request", "preservation request", "produces nothing");
        AssertFailed(await CliAsync(server, "legal", "close", subpoena.ToString(), "--outcome", "produced"), "closing as produced with nothing produced", "no package was produced");

        AssertSucceeded(await CliAsync(server, "legal", "close", subpoena.ToString(), "--outcome", "none", "--note", "quashed"), "closing the subpoena");
        AssertEqual(1L, await ActiveHoldsAsync(), "the preservation request's hold stays after the subpoena closes");
        var list = await CliAsync(server, "holds", "list");
        AssertOutputContains(list, $"legal request {preservation}", "holds list");

        AssertFailed(await CliAsync(server, "legal", "close", subpoena.ToString(), "--outcome", "none"), "closing twice", "already closed");
        AssertFailed(await CliAsync(server, "legal", "produce", subpoena.ToString(), "--out", Path.Combine(TempPaths.NewDirectory("p"), "c.zip")), "producing a closed request", "was closed");
        AssertSucceeded(await CliAsync(server, "legal", "close", preservation.ToString(), "--outcome", "none"), "closing the preservation request");
        AssertEqual(0L, await ActiveHoldsAsync(), "holds once both requests are closed");

        // A user's own data request holds nothing.
        await CreateRequestAsync(server, "--kind", "data-subject", "--authority", "the account holder", "--reference", "email of today",
            "--received", Day(Today), "--due", Day(Today.AddDays(30)), "--subject", erin);
        AssertEqual(0L, await ActiveHoldsAsync(), "holds after a data-subject request");

        var open = await CliAsync(server, "legal", "list", "--open");
        AssertSucceeded(open, "legal list --open");
        Assert.DoesNotContain($"{subpoena,5}  subpoena", open.Stdout);
        AssertOutputContains(open, "data-subject", "legal list --open");
    }
}
