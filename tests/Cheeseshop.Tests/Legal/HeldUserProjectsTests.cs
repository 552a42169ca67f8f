using Cheeseshop.Core.Packaging;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A hold on a user keeps what a disclosure about them reads per project: the download records of every
/// project they have or had a role on (download-logs: "for the subject's projects"), not only of projects
/// held by name. Once the request is closed, retention takes them as it takes anyone's.
/// </summary>
public sealed class HeldUserProjectsTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private const string PipAgent = """pip/23.2.1 {"installer":{"name":"pip","version":"23.2.1"},"python":"3.11.7"}""";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_held_users_current_and_past_projects_keep_their_download_records(Database db)
    {
        var server = await ServerAsync(db);
        var olga = Unique("olga", db);
        var pete = Unique("pete", db);
        var quinn = Unique("quinn", db);
        var own = Unique("olgas-proj", db);
        var former = Unique("petes-proj", db);
        var unrelated = Unique("quinns-proj", db);
        await RoleTests.CreateProjectAsync(server, olga, own);
        await RoleTests.CreateProjectAsync(server, pete, former);
        await RoleTests.CreateProjectAsync(server, quinn, unrelated);

        // Olga was a Maintainer of Pete's project for a while: only the change log remembers it.
        using var olgaBrowser = new Browser(server, "203.0.113.101");
        using var peteBrowser = new Browser(server, "203.0.113.102");
        await SignedInAsync(olgaBrowser, olga);
        await SignedInAsync(peteBrowser, pete);
        var page = $"/manage/project/{former}/collaborators";
        AssertRedirect(await SubmitHandlerAsync(peteBrowser, page, "Invite", Form(("username", olga), ("role", "Maintainer"))), page, "Pete inviting Olga");
        AssertRedirect(await SubmitHandlerAsync(olgaBrowser, "/manage/projects", "Accept", Form(), "invitation_id"), "/manage/projects", "Olga accepting");
        AssertRedirect(await SubmitHandlerAsync(peteBrowser, page, "Remove", Form(("username", olga))), page, "Pete removing Olga");

        // One download of each project's wheel, recorded by the server's download writer.
        var projects = new[] { own, former, unrelated };
        foreach (var project in projects)
        {
            var wheel = (await SimpleJsonFilesAsync(server, project)).Single(f => f.Filename.EndsWith(".whl", StringComparison.Ordinal));
            using var get = new HttpRequestMessage(HttpMethod.Get, wheel.Url);
            get.Headers.TryAddWithoutValidation("User-Agent", PipAgent);
            using var response = await server.Http.SendAsync(get);
            AssertEqual(System.Net.HttpStatusCode.OK, response.StatusCode, $"downloading {wheel.Filename}");
        }
        for (var i = 0; i < 100 && (await DownloadsAsync(server, projects)).Values.Any(n => n == 0); i++) await Task.Delay(200);
        Assert.All(await DownloadsAsync(server, projects), p => Assert.Equal(1, p.Value));

        // A subpoena for Olga; then time passes beyond the download window (180 days), the days are counted
        // (retention never takes an uncounted download) and retention runs.
        var id = await SubpoenaAsync(server, [olga]);
        var later = Instant(DateTime.UtcNow.AddDays(200));
        AssertSucceeded(await CliAsync(server, "stats", "rollup", "--as-of", later), "stats rollup");
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", later), "retention under the hold");
        var kept = await DownloadsAsync(server, projects);
        AssertEqual(1, kept[own], "downloads of the held user's project");
        AssertEqual(1, kept[former], "downloads of a project the held user had a role on");
        AssertEqual(0, kept[unrelated], "downloads of a project the held user never had a role on");

        // What retention kept is what the package discloses.
        var (package, _, _) = await ProduceAsync(server, id, later);
        Assert.Equal(new[] { own, former }.Select(ProjectName.Normalize).Order(StringComparer.Ordinal),
            package.Rows(olga, "download-logs", "downloads").Select(r => DisclosurePackage.Cell(r, "project")).Order(StringComparer.Ordinal));

        // The hold ends with the request: the next run takes them too.
        AssertSucceeded(await CliAsync(server, "legal", "close", id.ToString(), "--outcome", "produced"), "legal close");
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", later), "retention after the hold");
        Assert.All(await DownloadsAsync(server, projects), p => Assert.Equal(0, p.Value));
    }

    /// <summary>Raw download events per project (by name, as download_files records it).</summary>
    private static async Task<Dictionary<string, int>> DownloadsAsync(CheeseshopServer server, IEnumerable<string> projects)
    {
        await using var db = ServerDatabase.Open(server);
        var counts = new Dictionary<string, int>();
        foreach (var project in projects)
        {
            var normalized = ProjectName.Normalize(project);
            counts[project] = await db.DownloadEvents.CountAsync(e => db.DownloadFiles.Any(f => f.Id == e.FileId && f.Project == normalized));
        }
        return counts;
    }
}
