using System.Net;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Tests.Downloads.DownloadClient;

namespace Cheeseshop.Tests.Downloads;

/// <summary>The real server stopped with SIGTERM writes the events still queued; simple-page requests
/// are recorded when the operator turns them on.</summary>
public sealed class ServerStopTests(ITestOutputHelper output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Sigterm_flushes_queued_downloads_and_simple_requests_are_recorded_when_on(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database, countries: true, hosting: ServerHosting.Process, settings: new Dictionary<string, string>
        {
            // Ten minutes: nothing would be written during the test but for the stop.
            ["CHEESESHOP_Downloads__FlushMilliseconds"] = "600000",
            ["CHEESESHOP_Downloads__RecordSimpleRequests"] = "true",
        });
        var p = await PublishAsync(server, $"-stop-{database}".ToLowerInvariant());
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, UvAgent));
        using (var simple = new HttpRequestMessage(HttpMethod.Get, $"simple/{p.Project}/"))
        {
            simple.Headers.TryAddWithoutValidation("User-Agent", UvAgent);
            using var response = await server.Http.SendAsync(simple);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Task.Delay(500);
        Assert.Equal(0, await server.WithDbAsync(db => db.DownloadEvents.CountAsync()));

        var code = await server.StopGracefullyAsync();
        output.WriteLine(server.Output);
        Assert.Equal(0, code);
        Assert.Equal(3, await server.WithDbAsync(db => db.DownloadEvents.CountAsync(e => db.DownloadFiles.Any(f => f.Id == e.FileId && f.Project == p.Project))));
        var simpleRows = await server.WithDbAsync(db => db.SimpleRequests.Where(e => e.Project == p.Project).ToListAsync());
        var request = Assert.Single(simpleRows);
        Assert.Equal("uv", await server.WithDbAsync(db => db.DownloadAgents.Where(a => a.Id == request.AgentId).Select(a => a.InstallerName).SingleAsync()));
        Assert.Equal($"/simple/{p.Project}/", request.Url);
        Assert.NotNull(request.ProjectId);

        // The simple_requests export, in PyPI's shape.
        var file = Path.Combine(TempPaths.NewDirectory("export"), "simple.jsonl");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var export = await server.RunCliAsync("stats", "export", "--table", "simple_requests", "--from", today, "--to", today, "--out", file);
        Assert.True(export.Succeeded, export.ToString());
        var line = Assert.Single(await File.ReadAllLinesAsync(file));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(p.Project, doc.RootElement.GetProperty("project").GetString());
        Assert.Equal("uv", doc.RootElement.GetProperty("details").GetProperty("installer").GetProperty("name").GetString());
    }
}
