using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>
/// Trusted Publishing on a private index: a token minted for a publisher registered on two projects reads both
/// (real pip installs them with the token in the index URL), as it uploads to both, and reads nothing else.
/// </summary>
[LongRunning]
public sealed class PrivateIndexPublishingTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_token_minted_for_a_publisher_on_two_projects_reads_both_and_nothing_else(Database db)
    {
        await using var issuer = new TestIssuer();
        var settings = new Dictionary<string, string>(TrustedPublishingServers.Settings(issuer))
        {
            ["CHEESESHOP_Access__Read"] = "authenticated",
        };
        await using var server = await CheeseshopServer.StartAsync(db, settings: settings);
        Watch(server);
        var owner = await UploaderAsync(server, "tp-owner-pr");
        await UploadAsync(server, owner, await BuildAsync("cheese-alpha", "1.0", "-pr"), await BuildAsync("cheese-beta", "1.0", "-pr"),
            await BuildAsync("cheese-gamma-extra", "1.0", "-pr"));
        foreach (var project in new[] { "cheese-alpha-pr", "cheese-beta-pr" })
            AssertSucceeded(await CliAsync(server, "publishers", "add", project, "--github", "octo/private-pr", "--workflow", "release.yml",
                "--environment", "pypi"), "publishers add to " + project);

        using var mint = await server.Http.PostAsJsonAsync("/_/oidc/mint-token",
            new { token = await issuer.TokenAsync("github", TrustedPublishingTests.GitHubClaims("octo/private-pr")) });
        var minted = JsonDocument.Parse(await mint.Content.ReadAsStringAsync()).RootElement;
        AssertEqual(HttpStatusCode.OK, mint.StatusCode, "mint status: " + minted);
        var token = minted.GetProperty("token").GetString()!;

        using (var venv = await NewVenvAsync())
        {
            var index = server.SimpleIndexUrl.Replace("http://", $"http://__token__:{Uri.EscapeDataString(token)}@");
            AssertSucceeded(Logged(await venv.PipInstallAsync(index, "cheese-alpha-pr", "cheese-beta-pr")),
                "pip install of both of the publisher's projects with the minted token");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-pr"), "cheese-alpha-pr installed");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-beta-pr"), "cheese-beta-pr installed");
        }

        using var http = new HttpClient();
        foreach (var (path, status) in new[]
                 {
                     ("/simple/cheese-beta-pr/", HttpStatusCode.OK), ("/pypi/cheese-alpha-pr/json", HttpStatusCode.OK),
                     ("/simple/cheese-gamma-extra-pr/", HttpStatusCode.Forbidden), ("/simple/", HttpStatusCode.Forbidden),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__token__:" + token)));
            using var answer = await http.SendAsync(request);
            AssertEqual(status, answer.StatusCode, $"GET {path} with the minted token");
            if (status == HttpStatusCode.Forbidden)
                Assert.Contains("limited to the projects 'cheese-alpha-pr', 'cheese-beta-pr'", await answer.Content.ReadAsStringAsync());
        }
    }
}
