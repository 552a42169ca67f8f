using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>As <see cref="ServerFixture"/>, each server trusting the oidc-provider CI issuer (kind generic) with
/// the audience that provider's resource indicators need.</summary>
public sealed class OidcProviderServers : ServerFixture, IAsyncLifetime
{
    public OidcProviderServers() : this(new OidcProviderIssuer())
    {
    }

    private OidcProviderServers(OidcProviderIssuer provider) : base(db => CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string>
    {
        ["CHEESESHOP_Auth__TrustedPublishing__Audience"] = OidcProviderIssuer.Audience,
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Url"] = provider.Issuer,
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Kind"] = "generic",
    })) => Provider = provider;

    public OidcProviderIssuer Provider { get; }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Provider.Dispose();
    }
}

/// <summary>
/// Trusted Publishing with a real OpenID provider as the CI issuer: its discovery document and keys, its
/// signed tokens with its own jti and times, exchanged at /_/oidc/mint-token, then a real twine upload.
/// </summary>
public sealed class OidcProviderTests(OidcProviderServers servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<OidcProviderServers>
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_job_of_a_certified_provider_creates_a_pending_project_and_uploads_with_twine(Database database)
    {
        var server = await ServerAsync(database);
        var provider = servers.Provider;
        await server.CreateUserAsync("tp-oidc-o1", Password);
        AssertSucceeded(await CliAsync(server, "publishers", "add", "cheese-alpha-o1", "--issuer", provider.Issuer, "--sub", "ci-cheddar",
            "--claim", "team=cheddar", "--claim", "branch=main", "--user", "tp-oidc-o1"), "publishers add");

        var audience = await server.Http.GetFromJsonAsync<JsonElement>("/_/oidc/audience");
        AssertEqual(OidcProviderIssuer.Audience, audience.GetProperty("audience").GetString(), "audience");

        var brie = await MintAsync(server, await provider.TokenAsync("ci-brie"));
        AssertEqual(HttpStatusCode.UnprocessableEntity, brie.Status, "another job of the same provider");
        Assert.Contains("'sub' is ci-brie, not ci-cheddar", brie.Body.ToString());
        var otherAudience = await MintAsync(server, await provider.TokenAsync("ci-cheddar", "urn:somewhere-else"));
        AssertEqual(HttpStatusCode.UnprocessableEntity, otherAudience.Status, "a token for another audience");
        Assert.Contains("audience", otherAudience.Body.ToString());

        var jwt = await provider.TokenAsync("ci-cheddar");
        var (status, body) = await MintAsync(server, jwt);
        AssertEqual(HttpStatusCode.OK, status, "mint: " + body + "\n" + provider.Output);
        var replay = await MintAsync(server, jwt);
        AssertEqual("invalid-reuse-token", replay.Body.GetProperty("errors")[0].GetProperty("code").GetString(), "the same token again");

        var token = body.GetProperty("token").GetString()!;
        await UploadAsync(server, token, await BuildAsync("cheese-alpha", "1.0", "-o1"));
        AssertFailed(await TwineAsync(server, token, (await BuildAsync("cheese-beta", "1.0", "-o1")).Files), "upload to another project", "403");
        var owners = await server.WithDbAsync(db => db.Roles.Where(r => r.Project!.NormalizedName == "cheese-alpha-o1").Select(r => r.User!.Username).ToListAsync());
        AssertEqual("tp-oidc-o1", string.Join(",", owners), "owner of the project the first exchange created");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> MintAsync(CheeseshopServer server, string jwt)
    {
        using var response = await server.Http.PostAsJsonAsync("/_/oidc/mint-token", new { token = jwt });
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
