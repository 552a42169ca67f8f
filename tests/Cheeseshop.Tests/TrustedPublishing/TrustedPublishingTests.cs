using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>
/// Trusted Publishing end to end: publishers added with the CLI, ID tokens from real loopback issuers
/// (signed by PyJWT) exchanged at /_/oidc/mint-token as gh-action-pypi-publish does, real twine uploads
/// with the minted token, and the token refused once its 15 minutes are over (the server's clock moved).
/// </summary>
[LongRunning]
public sealed class TrustedPublishingTests(TrustedPublishingServers servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<TrustedPublishingServers>
{
    private TestIssuer Issuer => servers.Issuer;

    public static Dictionary<string, object?> GitHubClaims(string repository = "octo/cheese", string workflow = "release.yml", string? environment = "pypi") => new()
    {
        ["sub"] = $"repo:{repository}:environment:{environment}",
        ["repository"] = repository, ["repository_owner"] = repository.Split('/')[0],
        ["job_workflow_ref"] = $"{repository}/.github/workflows/{workflow}@refs/tags/v1", ["ref"] = "refs/tags/v1",
        ["environment"] = environment,
    };

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_GitHub_workflow_mints_a_token_uploads_with_twine_and_the_token_stops_at_fifteen_minutes(Database database)
    {
        var server = await ServerAsync(database);
        var owner = await UploaderAsync(server, "tp-owner-g1");
        await UploadAsync(server, owner, await BuildAsync("cheese-alpha", "1.0", "-tpg1"));

        AssertFailed(await CliAsync(server, "publishers", "add", "cheese-alpha-tpg1", "--github", "octo", "--workflow", "release.yml"),
            "a repository without an owner", "not a GitHub repository");
        var add = await CliAsync(server, "publishers", "add", "cheese-alpha-tpg1", "--github", "octo/cheese-g1", "--workflow", "release.yml", "--environment", "pypi");
        AssertSucceeded(add, "publishers add");
        var list = await CliAsync(server, "publishers", "list", "cheese-alpha-tpg1");
        AssertOutputContains(list, "GitHub octo/cheese-g1, workflow release.yml, environment pypi\tactive", "publishers list");

        var audience = await server.Http.GetFromJsonAsync<JsonElement>("/_/oidc/audience");
        AssertEqual("cheeseshop", audience.GetProperty("audience").GetString(), "audience");

        var (status, body) = await MintAsync(server, await Issuer.TokenAsync("github", GitHubClaims("octo/cheese-g1")));
        AssertEqual(HttpStatusCode.OK, status, "mint status: " + body);
        Assert.True(body.GetProperty("success").GetBoolean());
        var token = body.GetProperty("token").GetString()!;
        var expires = DateTimeOffset.FromUnixTimeSeconds(body.GetProperty("expires").GetInt64());
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));

        await UploadAsync(server, token, await BuildAsync("cheese-alpha", "1.1", "-tpg1"));
        var events = await ProjectEventsAsync(server, "cheese-alpha-tpg1");
        Assert.Contains(events, e => e.Tag == "project:short_lived_api_token:added" && e.Json.Contains("GitHub octo/cheese-g1, workflow release.yml"));
        Assert.Contains(events, e => e.Tag == "file:add" && e.Json.Contains("\"authenticated_by\":\"trusted-publisher\"")
                                     && e.Json.Contains("\"publisher\":\"GitHub octo/cheese-g1, workflow release.yml, environment pypi\""));

        // The token is scoped to its project: another project is refused.
        AssertFailed(await TwineAsync(server, token, (await BuildAsync("cheese-beta", "1.0", "-tpg1")).Files), "upload to another project", "403");

        var clock = servers.ClockOf(database);
        clock.Offset = TimeSpan.FromMinutes(16);
        try
        {
            AssertFailed(await TwineAsync(server, token, (await BuildAsync("cheese-alpha", "1.2", "-tpg1")).Files),
                "upload after fifteen minutes", "expired");
        }
        finally
        {
            clock.Offset = TimeSpan.Zero;
        }

        // Removing the publisher revokes what it minted, at once.
        (status, body) = await MintAsync(server, await Issuer.TokenAsync("github", GitHubClaims("octo/cheese-g1")));
        AssertEqual(HttpStatusCode.OK, status, "second mint: " + body);
        var second = body.GetProperty("token").GetString()!;
        var id = add.Stdout.Trim();
        AssertSucceeded(await CliAsync(server, "publishers", "remove", "cheese-alpha-tpg1", id), "publishers remove");
        AssertFailed(await TwineAsync(server, second, (await BuildAsync("cheese-alpha", "1.3", "-tpg1")).Files), "upload after removal", "403");
        AssertOutputContains(await CliAsync(server, "publishers", "list", "cheese-alpha-tpg1"), "has no trusted publishers", "list after removal");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task One_publisher_on_two_projects_mints_one_token_for_both_and_different_ones_are_refused(Database database)
    {
        var server = await ServerAsync(database);
        var owner = await UploaderAsync(server, "tp-owner-m1");
        await UploadAsync(server, owner, await BuildAsync("cheese-alpha", "1.0", "-tpm1"), await BuildAsync("cheese-beta", "1.0", "-tpm1"),
            await BuildAsync("cheese-gamma-extra", "1.0", "-tpm1"));
        foreach (var project in new[] { "cheese-alpha-tpm1", "cheese-beta-tpm1" })
            AssertSucceeded(await CliAsync(server, "publishers", "add", project, "--github", "octo/multi-m1", "--workflow", "release.yml", "--environment", "pypi"),
                "publishers add to " + project);

        var (status, body) = await MintAsync(server, await Issuer.TokenAsync("github", GitHubClaims("octo/multi-m1")));
        AssertEqual(HttpStatusCode.OK, status, "mint status: " + body);
        var token = body.GetProperty("token").GetString()!;
        await UploadAsync(server, token, await BuildAsync("cheese-alpha", "1.1", "-tpm1"));
        await UploadAsync(server, token, await BuildAsync("cheese-beta", "1.1", "-tpm1"));
        foreach (var project in new[] { "cheese-alpha-tpm1", "cheese-beta-tpm1" })
        {
            Assert.Single(await ProjectEventsAsync(server, project), e => e.Tag == "project:short_lived_api_token:added");
            AssertOutputContains(await CliAsync(server, "publishers", "list", project), "active\t1 live token(s)", "publishers list " + project);
        }
        AssertFailed(await TwineAsync(server, token, (await BuildAsync("cheese-gamma-extra", "1.1", "-tpm1")).Files),
            "an upload to the owner's project without the publisher", "403");

        // A publisher that asks less of the token (no environment) on a third project matches too, but it is
        // not the same publisher: no single token answers both.
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-gamma-extra-tpm1", "--github", "octo/multi-m1", "--workflow", "release.yml"),
            "publishers add without an environment");
        (status, body) = await MintAsync(server, await Issuer.TokenAsync("github", GitHubClaims("octo/multi-m1")));
        AssertEqual(HttpStatusCode.UnprocessableEntity, status, "mint with different publishers: " + body);
        var error = body.GetProperty("errors")[0];
        AssertEqual("invalid-publisher", error.GetProperty("code").GetString(), "error code");
        Assert.Contains("different publishers on more than one project", error.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_pending_publisher_creates_its_project_owned_by_its_registrant_on_first_use(Database database)
    {
        var server = await ServerAsync(database);
        await server.CreateUserAsync("tp-pending-p1", Password);
        AssertFailed(await CliAsync(server, "publishers", "add", "cheese-gamma-extra-tpp1", "--issuer", Issuer.Issuer("generic"), "--sub", "ci:p1"),
            "a pending publisher without --user", "--user");
        AssertFailed(await CliAsync(server, "publishers", "add", "cheese-gamma-extra-tpp1", "--issuer", Issuer.Issuer("unknown"), "--sub", "ci:p1", "--user", "tp-pending-p1"),
            "an issuer that is not configured", "not an issuer this index trusts");
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-gamma-extra-tpp1", "--issuer", Issuer.Issuer("generic") + "/", "--sub", "ci:p1",
            "--claim", "team=cheddar", "--user", "tp-pending-p1"), "publishers add (pending)");
        AssertOutputContains(await CliAsync(server, "publishers", "list", "cheese-gamma-extra-tpp1"), "pending (owner-to-be tp-pending-p1)", "list");
        Assert.False(await server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == "cheese-gamma-extra-tpp1")));

        var wrongTeam = await MintAsync(server, await Issuer.TokenAsync("generic", new Dictionary<string, object?> { ["sub"] = "ci:p1", ["team"] = "brie" }));
        AssertEqual(HttpStatusCode.UnprocessableEntity, wrongTeam.Status, "a claim that differs");
        Assert.Contains("'team' is brie, not cheddar", wrongTeam.Body.ToString());

        var (status, body) = await MintAsync(server, await Issuer.TokenAsync("generic", new Dictionary<string, object?> { ["sub"] = "ci:p1", ["team"] = "cheddar" }));
        AssertEqual(HttpStatusCode.OK, status, "mint: " + body);
        var owner = await server.WithDbAsync(db => db.Roles.Where(r => r.Project!.NormalizedName == "cheese-gamma-extra-tpp1").Select(r => r.User!.Username + ":" + r.RoleName).ToListAsync());
        AssertEqual("tp-pending-p1:Owner", string.Join(",", owner), "roles of the created project");
        await UploadAsync(server, body.GetProperty("token").GetString()!, await BuildAsync("cheese-gamma-extra", "1.0", "-tpp1"));
        AssertOutputContains(await CliAsync(server, "publishers", "list", "cheese-gamma-extra-tpp1"), "sub ci:p1, team=cheddar\tactive", "list after first use");

        // The registrant's own export names the publisher, and the minted token by its description only.
        var path = Path.Combine(server.DataDir, "export-tpp1.zip");
        AssertSucceeded(await CliAsync(server, "users", "export", "tp-pending-p1", "--out", path), "users export");
        var package = Legal.DisclosurePackage.Read(path);
        var row = Assert.Single(package.Rows("tp-pending-p1", "length-of-service", "trusted-publishers"));
        AssertEqual("sub ci:p1, team=cheddar", Legal.DisclosurePackage.Cell(row, "publisher"), "exported publisher");
        AssertEqual("Cheese-Gamma.Extra-tpp1", Legal.DisclosurePackage.Cell(row, "project"), "exported project (its display name since the first upload)");
        Assert.Contains(package.Rows("tp-pending-p1", "length-of-service", "api-tokens"),
            t => Legal.DisclosurePackage.Cell(t, "description") == "Trusted publisher: sub ci:p1, team=cheddar");
        Assert.Empty(package.EntriesHolding(body.GetProperty("token").GetString()!.Split('.')[1]));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_pending_publisher_is_refused_for_a_prohibited_name_when_added_and_when_first_used(Database database)
    {
        var server = await ServerAsync(database);
        await server.CreateUserAsync("tp-pending-x1", Password);
        await server.CreateUserAsync("tp-pending-x2", Password);
        AssertSucceeded(await CliAsync(server, "projects", "prohibit", "cheese-banned-tpx1", "--reason", "reserved"), "projects prohibit");
        AssertFailed(await CliAsync(server, "publishers", "add", "Cheese.Banned_tpx1", "--issuer", Issuer.Issuer("generic"), "--sub", "ci:x0", "--user", "tp-pending-x1"),
            "a pending publisher for a prohibited name", "isn't allowed");
        AssertEqual(0, await server.WithDbAsync(db => db.TrustedPublishers.CountAsync(p => p.PendingNormalizedName == "cheese-banned-tpx1")), "publishers after the refusal");

        // Registered while the name was free, then the name is prohibited: the first exchange creates nothing.
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-later-tpx1", "--issuer", Issuer.Issuer("generic"), "--sub", "ci:x1", "--user", "tp-pending-x1"), "add (pending)");
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-later-tpx1", "--issuer", Issuer.Issuer("generic"), "--sub", "ci:x2", "--user", "tp-pending-x2"), "add another (pending)");
        AssertSucceeded(await CliAsync(server, "projects", "prohibit", "cheese-later-tpx1", "--reason", "reserved"), "projects prohibit");
        var (status, body) = await MintAsync(server, await Issuer.TokenAsync("generic", new Dictionary<string, object?> { ["sub"] = "ci:x1" }));
        AssertEqual(HttpStatusCode.UnprocessableEntity, status, "mint for a name prohibited since: " + body);
        var error = body.GetProperty("errors")[0];
        AssertEqual("invalid-pending-publisher", error.GetProperty("code").GetString(), "the error code: " + body);
        Assert.Contains("isn't allowed", error.GetProperty("description").GetString());
        Assert.False(await server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == "cheese-later-tpx1")), "a project for a prohibited name");

        // Allowed again, the first exchange creates it, and the other account's pending publisher goes, in its history.
        AssertSucceeded(await CliAsync(server, "projects", "allow", "cheese-later-tpx1"), "projects allow");
        (status, body) = await MintAsync(server, await Issuer.TokenAsync("generic", new Dictionary<string, object?> { ["sub"] = "ci:x1" }));
        AssertEqual(HttpStatusCode.OK, status, "mint once allowed: " + body);
        AssertEqual(0, await server.WithDbAsync(db => db.TrustedPublishers.CountAsync(p => p.PendingNormalizedName == "cheese-later-tpx1")), "pending publishers left");
        var removed = await server.WithDbAsync(db => db.UserEvents.Where(e => db.Users.Any(u => u.Id == e.UserId && u.Username == "tp-pending-x2") && e.Tag == "account:oidc:pending-publisher-removed")
            .Select(e => e.AdditionalJson).ToListAsync());
        Assert.Contains("\"project_name\":\"cheese-later-tpx1\"", Assert.Single(removed));
        Assert.Contains("sub ci:x2", removed[0]);
    }

    // Claim matching and key rotation happen in code: one database is enough.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task A_GitLab_publisher_matches_project_path_and_ci_config_and_a_rotated_key_is_fetched(Database database)
    {
        var server = await ServerAsync(database);
        var owner = await UploaderAsync(server, "tp-owner-l1");
        await UploadAsync(server, owner, await BuildAsync("cheese-beta", "1.0", "-tpl1"));
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-beta-tpl1", "--gitlab", "group/cheese-l1", "--workflow", "ci/release.yml"), "add gitlab");
        Dictionary<string, object?> Claims(string path) => new()
        {
            ["sub"] = "project_path:group/cheese-l1:ref_type:tag:ref:v1", ["project_path"] = "group/cheese-l1",
            ["ci_config_ref_uri"] = $"gitlab.example/group/cheese-l1//{path}@refs/tags/v1",
        };
        var other = await MintAsync(server, await Issuer.TokenAsync("gitlab", Claims(".gitlab-ci.yml")));
        AssertEqual(HttpStatusCode.UnprocessableEntity, other.Status, "another CI config");
        Assert.Contains("ci_config_ref_uri", other.Body.ToString());

        // The issuer rotates its key. Unknown key ids make the server fetch the key set again, but not more
        // often than every 30 s of its clock.
        Issuer.Rotate("gitlab");
        var rotated = await Issuer.TokenAsync("gitlab", Claims("ci/release.yml"));
        var fetches = Issuer.JwksFetches;
        var early = await MintAsync(server, rotated);
        AssertEqual(HttpStatusCode.UnprocessableEntity, early.Status, "a new key id seconds after the last fetch");
        Assert.Contains("signed with a key the issuer does not publish", early.Body.ToString());
        AssertEqual(fetches, Issuer.JwksFetches, "key set fetches within 30 s");
        var clock = servers.ClockOf(database);
        clock.Offset = TimeSpan.FromSeconds(31);
        (HttpStatusCode Status, JsonElement Body) minted;
        try
        {
            minted = await MintAsync(server, rotated);
        }
        finally
        {
            clock.Offset = TimeSpan.Zero;
        }
        var (status, body) = minted;
        AssertEqual(HttpStatusCode.OK, status, "mint with a rotated key: " + body);
        AssertEqual(fetches + 1, Issuer.JwksFetches, "key set fetches after the rotation");
        await UploadAsync(server, body.GetProperty("token").GetString()!, await BuildAsync("cheese-beta", "1.1", "-tpl1"));
    }

    /// <summary>What a bad exchange is, and the error code and words the answer must have.</summary>
    public static TheoryData<string, int, string, string> BadInputs() => new()
    {
        { "wrong signature", 422, "invalid-token", "signature" },
        { "wrong audience", 422, "invalid-token", "audience ('aud') is not cheeseshop" },
        { "expired", 422, "invalid-token", "expired at" },
        { "not yet valid", 422, "invalid-token", "not valid before" },
        { "no jti", 422, "invalid-token", "no 'jti' claim" },
        { "unsigned", 422, "invalid-token", "signature does not verify" },
        { "unknown issuer", 422, "invalid-payload", "unknown trusted publishing issuer" },
        { "replayed jti", 422, "invalid-reuse-token", "already been exchanged" },
        { "no matching publisher", 422, "invalid-publisher", "octo/stranger" },
        { "not a JWT", 422, "invalid-token", "not a well-formed JWT" },
        { "malformed body", 422, "invalid-payload", "JSON object with a string member \"token\"" },
        { "token not a string", 422, "invalid-payload", "JSON object with a string member \"token\"" },
        { "huge body", 413, "invalid-payload", "larger than 64 KiB" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Each_bad_exchange_gets_PyPIs_error_shape_naming_the_check_and_creates_nothing(string what, int status, string code, string words)
    {
        foreach (var database in new[] { Database.Sqlite, Database.Postgres })
        {
            var server = await ServerAsync(database);
            await EnsureBadInputProjectAsync(server);
            var body = await BadBodyAsync(server, what);
            var before = await CountsAsync(server);
            using var response = await server.Http.PostAsync("/_/oidc/mint-token", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } });
            var text = await response.Content.ReadAsStringAsync();
            AssertEqual(status, (int)response.StatusCode, $"{what} on {database}: status ({text})");
            using var json = JsonDocument.Parse(text);
            AssertEqual("Token request failed", json.RootElement.GetProperty("message").GetString(), $"{what}: message");
            var error = json.RootElement.GetProperty("errors")[0];
            AssertEqual(code, error.GetProperty("code").GetString(), $"{what}: code ({text})");
            Assert.Contains(words, error.GetProperty("description").GetString());
            AssertEqual(before, await CountsAsync(server), $"{what} on {database}: rows (projects, tokens, used ids, publishers, events)");
        }
        Assert.DoesNotContain(Issuer.Requested, p => p.StartsWith("/unknown", StringComparison.Ordinal));
    }

    private static readonly SemaphoreSlim BadInputSetup = new(1, 1);

    private async Task EnsureBadInputProjectAsync(CheeseshopServer server)
    {
        await BadInputSetup.WaitAsync();
        try
        {
            if (await server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == "cheese-alpha-tpb1"))) return;
            var owner = await UploaderAsync(server, "tp-owner-b1");
            await UploadAsync(server, owner, await BuildAsync("cheese-alpha", "1.0", "-tpb1"));
            AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-alpha-tpb1", "--github", "octo/cheese-b1", "--workflow", "release.yml"), "add");
        }
        finally
        {
            BadInputSetup.Release();
        }
    }

    private async Task<byte[]> BadBodyAsync(CheeseshopServer server, string what)
    {
        var good = GitHubClaims("octo/cheese-b1", environment: null);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string jwt;
        switch (what)
        {
            case "wrong signature": jwt = await Issuer.TokenAsync("github", good, foreignKey: true); break;
            case "wrong audience": jwt = await Issuer.TokenAsync("github", good, audience: "pypi"); break;
            case "expired": jwt = await Issuer.TokenAsync("github", With(good, ("iat", now - 900), ("nbf", now - 900), ("exp", now - 300))); break;
            case "not yet valid": jwt = await Issuer.TokenAsync("github", With(good, ("nbf", now + 600), ("exp", now + 900))); break;
            case "no jti": jwt = await Issuer.TokenAsync("github", With(good, ("jti", null))); break;
            case "unsigned": jwt = await Issuer.TokenAsync("github", good, alg: "none"); break;
            case "unknown issuer": jwt = await Issuer.TokenAsync("unknown", good); break;
            case "no matching publisher": jwt = await Issuer.TokenAsync("github", GitHubClaims("octo/stranger")); break;
            case "not a JWT": jwt = "not.a.jwt"; break;
            case "replayed jti":
                jwt = await Issuer.TokenAsync("github", good);
                var (status, body) = await MintAsync(server, jwt);
                AssertEqual(HttpStatusCode.OK, status, "first use of the token to replay: " + body);
                break;
            case "malformed body": return "{\"token\": "u8.ToArray();
            case "token not a string": return "{\"token\": 12}"u8.ToArray();
            case "huge body": return Encoding.UTF8.GetBytes("{\"token\": \"" + new string('a', 200_000) + "\"}");
            default: throw new ArgumentException(what);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new { token = jwt });
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> claims, params (string Name, object? Value)[] changes)
    {
        var copy = new Dictionary<string, object?>(claims);
        foreach (var (name, value) in changes) copy[name] = value;
        return copy;
    }

    private static Task<string> CountsAsync(CheeseshopServer server) => server.WithDbAsync(async db =>
        $"{await db.Projects.CountAsync()} {await db.ApiTokens.CountAsync()} {await db.UsedIdTokens.CountAsync()} " +
        $"{await db.TrustedPublishers.CountAsync()} {await db.ProjectEvents.CountAsync()}");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> MintAsync(CheeseshopServer server, string jwt)
    {
        using var response = await server.Http.PostAsJsonAsync("/_/oidc/mint-token", new { token = jwt });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Task<List<(string Tag, string Json)>> ProjectEventsAsync(CheeseshopServer server, string normalized) =>
        server.WithDbAsync(async db =>
        {
            var id = await db.Projects.Where(p => p.NormalizedName == normalized).Select(p => p.Id).SingleAsync();
            var rows = await db.ProjectEvents.Where(e => e.ProjectId == id).Select(e => new { e.Tag, e.AdditionalJson }).ToListAsync();
            return rows.Select(r => (r.Tag, r.AdditionalJson)).ToList();
        });
}
