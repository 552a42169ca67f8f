using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Downloads;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parquet.Serialization;
using static Cheeseshop.Tests.Downloads.DownloadClient;

namespace Cheeseshop.Tests.Downloads;

/// <summary>
/// Download statistics end to end on the real server: real pip and other agents download, the writer
/// records, `stats rollup` counts, and the pypistats-shaped API, the page and the export show it.
/// </summary>
public sealed class DownloadStatsTests(CountryServerFixture servers, ITestOutputHelper output) : IClassFixture<CountryServerFixture>
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static readonly string Today = StatsParameters.Format(DateOnly.FromDateTime(DateTime.UtcNow));

    // Client addresses the test sends through the loopback proxy (X-Forwarded-For); none may be stored.
    private const string DutchClient = "203.0.113.77";
    private const string JapaneseMirror = "198.51.100.5";
    private const string JapaneseBrowser = "198.51.100.9";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Pip_and_other_agents_are_counted_by_pypistats_category_exported_and_no_address_is_kept(Database database)
    {
        var server = await servers.GetAsync(database);
        var p = await PublishAsync(server, $"-dl-{database}".ToLowerInvariant());
        output.WriteLine($"project {p.Project} on {server.BaseUrl}");

        // Two real pips (Debian's 23.0.1 and the PATH Python's), each fetching the wheel once.
        foreach (var flavor in new[] { PythonFlavor.Debian, PythonFlavor.PathPython })
        {
            using var venv = await PythonTools.CreateVenvAsync(flavor);
            var install = await venv.PipInstallAsync(server.SimpleIndexUrl, p.Project);
            output.WriteLine(install.ToString());
            Assert.True(install.Succeeded, $"pip install ({flavor}) failed:\n{install}\n{server.Output}");
        }
        // Other agents; the forwarded addresses come through the trusted loopback proxy.
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Sdist, UvAgent, DutchClient));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, BandersnatchAgent, JapaneseMirror));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, DevpiAgent));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Sdist, UnknownAgent));
        Assert.Equal(HttpStatusCode.PartialContent, await FetchAsync(server, p.Wheel, BrowserAgent, JapaneseBrowser, new RangeHeaderValue(0, 99)));
        // Not downloads: a bot on linehaul's list, no agent at all, HEAD, PEP 658 metadata, a range
        // that does not start at 0 (the rest of a resumed download), and a 304.
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, BotAgent, DutchClient));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, null, DutchClient));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, p.Wheel, UnknownAgent, DutchClient, method: HttpMethod.Head));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(server, new Uri(p.Wheel + ".metadata"), UnknownAgent, DutchClient));
        Assert.Equal(HttpStatusCode.PartialContent, await FetchAsync(server, p.Wheel, UnknownAgent, DutchClient, new RangeHeaderValue(100, 199)));
        using (var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, p.Wheel)))
            Assert.Equal(HttpStatusCode.NotModified, await FetchAsync(server, p.Wheel, UnknownAgent, DutchClient, ifNoneMatch: head.Headers.ETag!.Tag));

        await RollupUntilAsync(server, p.Project, withMirrors: 7);

        var api = $"api/packages/{p.Project}";
        Assert.Equal([$"with_mirrors {Today} 7", $"without_mirrors {Today} 5"], Points((await ApiAsync(server, $"{api}/overall")).Body));
        Assert.Equal([$"without_mirrors {Today} 5"], Points((await ApiAsync(server, $"{api}/overall?mirrors=false")).Body));
        Assert.Equal([$"with_mirrors {Today} 7"], Points((await ApiAsync(server, $"{api}/overall?mirrors=true")).Body));
        Assert.Equal([$"3 {Today} 3", $"null {Today} 2"], Points((await ApiAsync(server, $"{api}/python_major")).Body));
        Assert.Equal([$"3.11 {Today} 2", $"3.12 {Today} 1", $"null {Today} 2"], Points((await ApiAsync(server, $"{api}/python_minor")).Body));
        Assert.Equal([$"3.12 {Today} 1"], Points((await ApiAsync(server, $"{api}/python_minor?version=3.12")).Body));
        Assert.Equal([$"Linux {Today} 2", $"Windows {Today} 1", $"null {Today} 2"], Points((await ApiAsync(server, $"{api}/system")).Body));
        Assert.Equal([$"Linux {Today} 2"], Points((await ApiAsync(server, $"{api}/system?os=linux")).Body));
        Assert.Equal([$"Browser {Today} 1", $"bandersnatch {Today} 1", $"devpi {Today} 1", $"null {Today} 1", $"pip {Today} 2", $"uv {Today} 1"],
            Points((await ApiAsync(server, $"{api}/installer")).Body));
        Assert.Equal([$"JP {Today} 1", $"NL {Today} 1", $"null {Today} 3"], Points((await ApiAsync(server, $"{api}/country")).Body));
        Assert.Equal([$"1.0 {Today} 5"], Points((await ApiAsync(server, $"{api}/version")).Body));

        // pypistats' envelope, and the package name normalized whatever form was asked for.
        var (_, body, text) = await ApiAsync(server, $"api/packages/{p.Project.ToUpperInvariant().Replace('-', '_')}/overall?mirrors=false");
        Assert.Equal(p.Project, body.GetProperty("package").GetString());
        Assert.Equal("overall_downloads", body.GetProperty("type").GetString());
        Assert.StartsWith("{\"data\":[{\"category\":\"without_mirrors\",\"date\":", text);

        // The page draws its charts on the server.
        using var page = await server.Http.GetAsync($"stats/{p.Project}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"Downloads of {p.Project}", html);
        Assert.Equal(3, html.Split("<svg ").Length - 1);
        Assert.Contains("bandersnatch", html);
        Assert.Contains("NL", html);
        Assert.DoesNotContain("<script", html);

        await ExportMatchesAsync(server, p);
        await NoClientAddressIsKeptAsync(server);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Recent_periods_and_date_ranges_follow_pypistats(Database database)
    {
        var server = await servers.GetAsync(database);
        var p = await PublishAsync(server, $"-dr-{database}".ToLowerInvariant());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // History the server could not have seen yet: seeded through the writer's own insert.
        await SeedAsync(server, p, today.AddDays(-1), ("pip", 2), ("bandersnatch", 1));
        await SeedAsync(server, p, today.AddDays(-5), ("pip", 3));
        await SeedAsync(server, p, today.AddDays(-20), (null, 4));
        await SeedAsync(server, p, today.AddDays(-40), ("pip", 5));
        var rollup = await server.RunCliAsync("stats", "rollup", "--from", StatsParameters.Format(today.AddDays(-40)));
        Assert.True(rollup.Succeeded, rollup.ToString());
        output.WriteLine(rollup.ToString());

        var api = $"api/packages/{p.Project}";
        var recent = (await ApiAsync(server, $"{api}/recent")).Body;
        Assert.Equal(2, recent.GetProperty("data").GetProperty("last_day").GetInt64());
        Assert.Equal(5, recent.GetProperty("data").GetProperty("last_week").GetInt64());
        Assert.Equal(9, recent.GetProperty("data").GetProperty("last_month").GetInt64());
        Assert.Equal("recent_downloads", recent.GetProperty("type").GetString());
        var week = (await ApiAsync(server, $"{api}/recent?period=week")).Text;
        Assert.Equal($"{{\"data\":{{\"last_week\":5}},\"package\":\"{p.Project}\",\"type\":\"recent_downloads\"}}", week);

        string D(int back) => StatsParameters.Format(today.AddDays(-back));
        Assert.Equal([$"without_mirrors {D(40)} 5", $"without_mirrors {D(20)} 4", $"without_mirrors {D(5)} 3"],
            Points((await ApiAsync(server, $"{api}/overall?mirrors=false&start_date={D(40)}&end_date={D(5)}")).Body));
        Assert.Equal([$"with_mirrors {D(1)} 3"], Points((await ApiAsync(server, $"{api}/overall?mirrors=true&start_date={D(3)}")).Body));
        Assert.Equal(4, Points((await ApiAsync(server, $"{api}/overall?mirrors=false")).Body).Count);

        // Mistakes are 400s that say which parameter and why; unknown things are 404s.
        await ExpectErrorAsync(server, $"{api}/overall?start_date=2024-02-30", 400, "start_date must be a date in the form YYYY-MM-DD");
        await ExpectErrorAsync(server, $"{api}/overall?end_date=yesterday", 400, "end_date must be a date");
        await ExpectErrorAsync(server, $"{api}/overall?start_date={D(1)}&end_date={D(5)}", 400, "is after end_date");
        await ExpectErrorAsync(server, $"{api}/overall?mirrors=maybe", 400, "mirrors must be true or false, not 'maybe'");
        await ExpectErrorAsync(server, $"{api}/recent?period=year", 400, "period must be day, week or month");
        await ExpectErrorAsync(server, $"{api}/python_major?version=2&version=3", 400, "version is given 2 times");
        await ExpectErrorAsync(server, "api/packages/no-such-project-here/overall", 404, "There is no project named 'no-such-project-here'");
        await ExpectErrorAsync(server, $"{api}/downloads", 404, "There is no statistic 'downloads'");
        using var badPage = await server.Http.GetAsync($"stats/{p.Project}?days=5000");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        using var missingPage = await server.Http.GetAsync("stats/no-such-project-here");
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);

        // A second rollup of the same days changes nothing (idempotent).
        var before = (await ApiAsync(server, $"{api}/installer?start_date={D(40)}")).Text;
        Assert.True((await server.RunCliAsync("stats", "rollup", "--from", D(40))).Succeeded);
        Assert.Equal(before, (await ApiAsync(server, $"{api}/installer?start_date={D(40)}")).Text);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Retention_erases_old_raw_events_but_keeps_held_projects_and_the_daily_counts(Database database)
    {
        var server = await servers.GetAsync(database);
        var held = await PublishAsync(server, $"-rh-{database}".ToLowerInvariant());
        var free = await PublishAsync(server, $"-rf-{database}".ToLowerInvariant());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.True((await server.RunCliAsync("stats", "rollup")).Succeeded);
        foreach (var project in new[] { held, free })
        {
            await SeedAsync(server, project, today.AddDays(-200), ("pip", 2));
            await SeedAsync(server, project, today.AddDays(-10), ("pip", 1));
        }
        Assert.True((await server.RunCliAsync("stats", "rollup", "--from", StatsParameters.Format(today.AddDays(-10)))).Succeeded);
        var hold = await server.RunCliAsync("holds", "create", "--project", held.Project, "--until", DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"), "--reason", "test hold");
        Assert.True(hold.Succeeded, hold.ToString());

        var run = await server.RunCliAsync("retention", "run");
        output.WriteLine(run.ToString());
        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("download_events", run.Stdout);

        var (heldOld, freeOld, freeRecent) = await server.WithDbAsync(async db =>
        {
            var cutoff = DateTime.UtcNow.AddDays(-180);
            return (
                await db.DownloadEvents.CountAsync(e => e.Timestamp < cutoff && db.DownloadFiles.Any(f => f.Id == e.FileId && f.Project == held.Project)),
                await db.DownloadEvents.CountAsync(e => e.Timestamp < cutoff && db.DownloadFiles.Any(f => f.Id == e.FileId && f.Project == free.Project)),
                await db.DownloadEvents.CountAsync(e => e.Timestamp >= cutoff && db.DownloadFiles.Any(f => f.Id == e.FileId && f.Project == free.Project)));
        });
        Assert.Equal(2, heldOld);
        Assert.Equal(0, freeOld);
        Assert.Equal(1, freeRecent);
        // The counts of the last ten days are still there: aggregates are kept for ever.
        Assert.Equal([$"without_mirrors {StatsParameters.Format(today.AddDays(-10))} 1"],
            Points((await ApiAsync(server, $"api/packages/{free.Project}/overall?mirrors=false")).Body));
    }

    /// <summary>Runs `stats rollup` until the writer's events are counted (it flushes every second).</summary>
    private async Task RollupUntilAsync(CheeseshopServer server, string project, long withMirrors)
    {
        long seen = -1;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await Task.Delay(attempt == 0 ? 1500 : 1000);
            var rollup = await server.RunCliAsync("stats", "rollup");
            Assert.True(rollup.Succeeded, rollup.ToString());
            var (status, body, _) = await ApiAsync(server, $"api/packages/{project}/overall?mirrors=true");
            Assert.Equal(HttpStatusCode.OK, status);
            seen = body.GetProperty("data").EnumerateArray().Sum(x => x.GetProperty("downloads").GetInt64());
            if (seen >= withMirrors) break;
        }
        Assert.True(seen == withMirrors, $"expected {withMirrors} downloads with mirrors, counted {seen}\n{server.Output}");
    }

    private static async Task ExpectErrorAsync(CheeseshopServer server, string path, int status, string message)
    {
        var (code, body, text) = await ApiAsync(server, path);
        Assert.True((int)code == status, $"GET {path}: expected {status}, got {(int)code}: {text}");
        Assert.Contains(message, body.GetProperty("error").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
    }

    /// <summary>Downloads on a past day, through the writer's own code (agent parsing, file lookup, bulk insert).</summary>
    private static async Task SeedAsync(CheeseshopServer server, Published p, DateOnly day, params (string? Installer, int Count)[] downloads)
    {
        await server.WithDbAsync(async db =>
        {
            var time = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
            var requests = new List<PendingRequest>();
            foreach (var (installer, count) in downloads)
            {
                var agent = installer switch
                {
                    null => UnknownAgent,
                    "bandersnatch" => BandersnatchAgent,
                    _ => $"{installer}/24.0 {{\"installer\":{{\"name\":\"{installer}\",\"version\":\"24.0\"}},\"python\":\"3.12.1\"}}",
                };
                for (var i = 0; i < count; i++)
                    requests.Add(new PendingRequest(RequestKind.File, time.AddSeconds(requests.Count), p.Wheel.AbsolutePath, p.WheelName, agent, null, null, null));
            }
            var batch = await new EventBuilder().BuildAsync(db, requests, CancellationToken.None);
            Assert.Equal(requests.Count, batch.Files.Count);
            await new DatabaseDownloadSink().WriteAsync(db, batch, CancellationToken.None);
            return 0;
        });
    }

    private async Task ExportMatchesAsync(CheeseshopServer server, Published p)
    {
        var dir = TempPaths.NewDirectory("export");
        var parquet = Path.Combine(dir, "downloads.parquet");
        var jsonl = Path.Combine(dir, "downloads.jsonl");
        foreach (var file in new[] { parquet, jsonl })
        {
            var export = await server.RunCliAsync("stats", "export", "--from", Today, "--to", Today, "--out", file);
            output.WriteLine(export.ToString());
            Assert.True(export.Succeeded, export.ToString());
        }
        // What was downloaded: installer, file, country, Python, system.
        string[] expected =
        [
            $"pip {p.WheelName} - 3.11 Linux", $"pip {p.WheelName} - 3.11 Linux", $"uv {p.SdistName} NL 3.12.1 Windows",
            $"bandersnatch {p.WheelName} JP - -", $"devpi {p.WheelName} - - -", $"- {p.SdistName} - - -", $"Browser {p.WheelName} JP - -",
        ];
        static string Trim(string? python) => python is null ? "-" : python.StartsWith("3.11") ? "3.11" : python;

        var rows = (await ParquetSerializer.DeserializeAsync<FileDownloadRow>(parquet)).Data.Where(r => r.Project == p.Project).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r =>
            $"{r.Details?.Installer?.Name ?? "-"} {r.File!.Filename} {r.CountryCode ?? "-"} {Trim(r.Details?.Python)} {r.Details?.System?.Name ?? "-"}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Utc, r.Timestamp.Kind));
        Assert.All(rows, r => Assert.Equal(Today, r.Timestamp.ToString("yyyy-MM-dd")));
        var uv = rows.Single(r => r.Details?.Installer?.Name == "uv");
        Assert.Equal(true, uv.Details!.Ci);
        Assert.Equal("AMD64", uv.Details.Cpu);
        Assert.Equal("sdist", uv.File!.Type);
        Assert.Equal("1.0", uv.File.Version);
        Assert.Equal(p.Sdist.AbsolutePath, uv.Url);
        Assert.Null(rows.Single(r => r.Details is null).Details); // the unknown agent: no details record at all

        var lines = (await File.ReadAllLinesAsync(jsonl)).Where(l => l.Contains($"\"project\":\"{p.Project}\"")).ToList();
        Assert.Equal(7, lines.Count);
        using var first = JsonDocument.Parse(lines[0]);
        foreach (var key in new[] { "timestamp", "country_code", "url", "project", "file", "details", "tls_protocol", "tls_cipher" })
            Assert.True(first.RootElement.TryGetProperty(key, out _), $"JSON line lacks {key}: {lines[0]}");

        // A second reader, independent of ours, when this machine has one.
        var probe = await ProcessRunner.RunAsync("python3", ["-c", "import pyarrow"]);
        if (!probe.Succeeded)
        {
            output.WriteLine("pyarrow is not installed here: the Parquet file was read back with Parquet.Net only.");
            return;
        }
        var script = "import pyarrow.parquet as pq, sys\n" +
                     "t = pq.read_table(sys.argv[1]).to_pylist()\n" +
                     "rows = [r for r in t if r['project'] == sys.argv[2]]\n" +
                     "print(len(rows)); print(sorted((r['details'] or {}).get('installer', {}) and r['details']['installer']['name'] or '-' for r in rows))";
        var read = await ProcessRunner.RunAsync("python3", ["-c", script, parquet, p.Project]);
        Assert.True(read.Succeeded, read.ToString());
        Assert.StartsWith("7", read.Stdout.Trim());
        output.WriteLine("pyarrow read the export: " + read.Stdout.Trim().Replace('\n', ' '));
    }

    /// <summary>The forwarded client addresses appear in no file of the data directory, no log line and
    /// (on PostgreSQL) no column of any table.</summary>
    private async Task NoClientAddressIsKeptAsync(CheeseshopServer server)
    {
        string[] addresses = [DutchClient, JapaneseMirror, JapaneseBrowser];
        foreach (var file in Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(file); }
            catch (IOException) { continue; } // a file being replaced this instant
            foreach (var address in addresses)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(address)) < 0, $"{address} found in {file}");
        }
        foreach (var address in addresses)
            Assert.DoesNotContain(address, server.Output);
        output.WriteLine($"scanned {Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories).Count()} files and {server.Output.Length} characters of log");

        if (server.PostgresConnectionString is null) return;
        await using var conn = new NpgsqlConnection(server.PostgresConnectionString);
        await conn.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'", conn))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Contains(columns, c => c.Table == "download_events");
        foreach (var (table, column) in columns)
        {
            await using var count = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{table}\" WHERE \"{column}\"::text LIKE '%203.0.113.%' OR \"{column}\"::text LIKE '%198.51.100.%'", conn);
            Assert.True((long)(await count.ExecuteScalarAsync())! == 0, $"{table}.{column} holds a client address");
        }
        output.WriteLine($"checked {columns.Count} PostgreSQL columns");
    }
}
