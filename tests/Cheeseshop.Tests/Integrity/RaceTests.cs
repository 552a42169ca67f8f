using System.Net;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>
/// Requests that race for the same name: a new project claimed by several accounts at once (on one node,
/// and on two nodes sharing one PostgreSQL database), one filename sent with different and with identical
/// bytes, and many files to one release. Every race has one winner, every loser a clear 4xx, no 500 and
/// no duplicate row; `fsck` finds nothing afterwards.
/// </summary>
public sealed class RaceTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private const int Claimants = 6;

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Accounts_racing_for_a_new_project_leave_exactly_one_owner(Database database)
    {
        var server = await ServerAsync(database);
        var project = Unique("race-claim", database);
        var tokens = new List<string>();
        for (var i = 0; i < Claimants; i++) tokens.Add(await UploaderAsync(server, Unique($"claimant{i}", database)));

        var statuses = await Task.WhenAll(tokens.Select((token, i) => StatusAsync(server, token, project, $"1.{i}")));
        await AssertOneClaimAsync(server, project, statuses);
    }

    [Fact]
    public async Task Accounts_racing_for_a_new_project_on_two_nodes_leave_exactly_one_owner()
    {
        await using var bucket = await TestS3rver.StartAsync();
        var settings = bucket.Settings("race/");
        settings["CHEESESHOP_IpHashKeyFile"] = Path.Combine(TempPaths.NewDirectory("race-secrets"), "ip-hash.key");
        await using var nodeA = await CheeseshopServer.StartAsync(Database.Postgres, settings: settings, hosting: ServerHosting.Process);
        await using var nodeB = await CheeseshopServer.StartAsync(Database.Postgres, settings: settings,
            joinPostgresDatabase: nodeA.PostgresDatabase, hosting: ServerHosting.Process);
        Watch(nodeA);
        Watch(nodeB);

        for (var round = 0; round < 3; round++)
        {
            var project = $"race-nodes-{round}";
            var tokens = new List<string>();
            for (var i = 0; i < Claimants; i++) tokens.Add(await UploaderAsync(nodeA, $"node-claimant{round}-{i}"));
            // Half the claimants go to each node, all at once.
            var statuses = await Task.WhenAll(tokens.Select((token, i) =>
                StatusAsync(i % 2 == 0 ? nodeA : nodeB, token, project, $"1.{i}")));
            await AssertOneClaimAsync(nodeA, project, statuses);
        }
        AssertSucceeded(Logged(await nodeA.RunCliAsync("fsck")), "fsck after the races on two nodes");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task One_filename_sent_at_once_with_different_bytes_is_stored_once(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var project = Unique("race-file", database);
        // Each wheel differs by one file's content, so every body is a different file under the same name.
        var wheels = Enumerable.Range(0, 8).Select(i => TestDistributions.Wheel(project, "1.0",
            extra: zip => TestDistributions.Add(zip, "race/variant.txt", $"variant {i}\n"))).ToList();

        var responses = await Task.WhenAll(wheels.Select(w => SendAsync(server, token, project, "1.0", w)));
        AssertEqual(1, responses.Count(r => r.Status == HttpStatusCode.OK), "200 answers for one filename sent with 8 different bodies");
        foreach (var (status, body) in responses.Where(r => r.Status != HttpStatusCode.OK))
        {
            AssertEqual(HttpStatusCode.BadRequest, status, "the answer to a losing upload");
            AssertEqual(true, body.StartsWith("File already exists", StringComparison.Ordinal), $"a losing upload's message starts with 'File already exists': {body}");
        }
        await AssertFileRowsAsync(server, project, 1);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task One_filename_sent_at_once_with_identical_bytes_is_accepted_and_stored_once(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var project = Unique("race-same", database);
        var wheel = TestDistributions.Wheel(project, "1.0");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(server, token, project, "1.0", wheel)));
        foreach (var (status, body) in responses)
            AssertEqual(HttpStatusCode.OK, status, $"identical re-upload racing the first ({body})");
        await AssertFileRowsAsync(server, project, 1);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Fifty_files_to_one_release_at_once_are_all_stored(Database database)
    {
        const int files = 50;
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var project = Unique("race-many", database);
        var normalized = project.Replace('-', '_');

        // Build tags make fifty distinct wheel filenames of one release; their contents differ too, since
        // the same bytes under another name are refused as a file that already exists.
        var responses = await Task.WhenAll(Enumerable.Range(0, files).Select(async i =>
        {
            var wheel = TestDistributions.Wheel(project, "1.0", extra: zip => TestDistributions.Add(zip, "race/build.txt", $"build {i}\n"));
            var filename = $"{normalized}-1.0-{i}-py3-none-any.whl";
            using var form = TestDistributions.UploadForm(project, "1.0", filename, wheel);
            using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form };
            request.Headers.Authorization = TestDistributions.Token(token);
            using var response = await server.Http.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        foreach (var (status, body) in responses)
            AssertEqual(HttpStatusCode.OK, status, $"one of {files} concurrent uploads to one release ({body})");
        await AssertFileRowsAsync(server, project, files);

        using var simple = await server.Http.GetAsync($"simple/{project}/");
        var page = await simple.Content.ReadAsStringAsync();
        for (var i = 0; i < files; i++)
            AssertEqual(true, page.Contains($"{normalized}-1.0-{i}-py3-none-any.whl", StringComparison.Ordinal), $"build {i} on the Simple page");
        AssertEqual(1, await server.WithDbAsync(db => db.Releases.CountAsync(r => r.Project!.NormalizedName == project)), "release rows");
    }

    private static async Task<HttpStatusCode> StatusAsync(CheeseshopServer server, string token, string project, string version)
    {
        using var response = await TestDistributions.UploadWheelAsync(server, token, project, version);
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(CheeseshopServer server, string token, string project,
        string version, byte[] wheel)
    {
        using var response = await TestDistributions.UploadWheelAsync(server, token, project, version, wheel: wheel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>One claimant won (200) and every other was refused as not an owner (403); the database
    /// holds one project, one role (the winner's owner role) and the winner's one file.</summary>
    private async Task AssertOneClaimAsync(CheeseshopServer server, string project, HttpStatusCode[] statuses)
    {
        Log($"{project}: {string.Join(", ", statuses.Select(s => (int)s))}");
        AssertEqual(1, statuses.Count(s => s == HttpStatusCode.OK), $"accounts that won {project}");
        AssertEqual(statuses.Length - 1, statuses.Count(s => s == HttpStatusCode.Forbidden), $"accounts refused {project} with 403");
        var (projects, roles, files) = await server.WithDbAsync(async db => (
            await db.Projects.CountAsync(p => p.NormalizedName == project),
            await db.Roles.CountAsync(r => r.Project!.NormalizedName == project),
            await db.Files.CountAsync(f => f.Release!.Project!.NormalizedName == project)));
        AssertEqual(1, projects, $"project rows for {project}");
        AssertEqual(1, roles, $"role rows for {project}");
        AssertEqual(1, files, $"file rows for {project}");
    }

    private async Task AssertFileRowsAsync(CheeseshopServer server, string project, int expected)
    {
        AssertEqual(expected, await server.WithDbAsync(db => db.Files.CountAsync(f => f.Release!.Project!.NormalizedName == project)), $"file rows of {project}");
        var fsck = Logged(await server.RunCliAsync("fsck"));
        AssertSucceeded(fsck, $"fsck after the race for {project}");
    }

    private static string Unique(string prefix, Database database) =>
        $"{prefix}-{database.ToString().ToLowerInvariant()[..2]}{Guid.NewGuid().ToString("N")[..6]}";
}
