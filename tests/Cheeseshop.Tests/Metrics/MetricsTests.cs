using System.Net;
using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Metrics;

/// <summary>
/// /metrics against real traffic: twine uploads (accepted, and refused for a wrong token and a reused
/// filename), a pip install, the retention and rollup verbs; the text read by a strict parser of the
/// Prometheus format, the counters compared before and after, every label value checked for names and
/// addresses. The servers run as the program itself: each process then exports its own instruments only.
/// </summary>
[LongRunning]
public sealed partial class MetricsTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Metrics_move_with_real_traffic_and_parse_as_Prometheus_text(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database, hosting: ServerHosting.Process,
            settings: new Dictionary<string, string> { ["CHEESESHOP_Metrics__Enabled"] = "true" });
        Watch(server);
        var before = await ScrapeAsync(server.Http, "metrics");
        var suffix = database == Database.Sqlite ? "-ms" : "-mp";
        var username = "metrics-user" + suffix;
        var token = await UploaderAsync(server, username);
        var alpha = await BuildAsync("cheese-alpha", "1.0", suffix);
        await UploadAsync(server, token, alpha);
        AssertFailed(await TwineAsync(server, "pypi-wrong-token-" + suffix, alpha.Files), "upload with a wrong token");
        var reused = await BuildAsync("cheese-alpha", "1.0", suffix, new Dictionary<string, string> { ["MARKER"] = "another file" });
        AssertFailed(await TwineAsync(server, token, [reused.Wheel]), "upload of a different file under a used name", "File already exists");
        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, server, alpha.ProjectName), "pip install");
        AssertSucceeded(await PipInstallAsync(venv, server, "--force-reinstall", "--no-deps", alpha.ProjectName), "pip install again");
        AssertSucceeded(await CliAsync(server, "retention", "run"), "retention run");
        AssertSucceeded(await CliAsync(server, "stats", "rollup"), "stats rollup");

        var after = await ScrapeAsync(server.Http, "metrics");
        var bytes = alpha.Files.Sum(f => new FileInfo(f).Length);
        AssertEqual(2.0, Moved(before, after, "cheeseshop_uploads_files_total", ("outcome", "accepted")), "files accepted");
        AssertEqual((double)bytes, Moved(before, after, "cheeseshop_uploads_bytes_total"), "bytes accepted (the two files' sizes)");
        Assert.True(Moved(before, after, "cheeseshop_uploads_refused_total", ("reason", "credentials")) >= 1, "a refusal for the wrong token");
        AssertEqual(1.0, Moved(before, after, "cheeseshop_uploads_refused_total", ("reason", "bad_request")), "the refusal of the reused filename");
        Assert.True(Moved(before, after, "cheeseshop_page_cache_hits_total") >= 1, "page cache hits (the second install)");
        Assert.True(Moved(before, after, "cheeseshop_page_cache_misses_total") >= 1, "page cache misses (the first install)");
        Assert.True(Value(after, "cheeseshop_page_cache_entries") >= 1, "page cache entries");
        Assert.True(Value(after, "cheeseshop_page_cache_bytes") > 0, "page cache bytes");
        Assert.True(Moved(before, after, "http_server_request_duration_seconds_count",
            ("http_route", "/simple/{project}/"), ("http_response_status_code", "200")) >= 2, "Simple page requests by route template");
        Assert.True(Moved(before, after, "http_server_request_duration_seconds_count",
            ("http_route", "/legacy/"), ("http_response_status_code", "200")) >= 2, "uploads by route template");
        Assert.Contains(after, s => s.Name == "http_server_request_duration_seconds_bucket" && s.Label("http_route") == "/legacy/" && s.Label("le") == "+Inf");
        var serial = await server.WithDbAsync(db => db.Journals.MaxAsync(j => j.Id));
        AssertEqual((double)serial, Value(after, "cheeseshop_journal_serial"), "journal serial");
        Assert.True(Value(after, "cheeseshop_retention_last_run_seconds") > 1.7e9, "retention last run (Unix time)");
        Assert.Contains(after, s => s.Name == "cheeseshop_retention_last_run_rows" && s.Label("class").Length > 0);
        Assert.True(Value(after, "cheeseshop_rollup_last_run_seconds") > 1.7e9, "rollup last run (Unix time)");
        Value(after, "cheeseshop_downloads_queued");
        Assert.True(Value(after, "cheeseshop_db_connections_open") >= 0, "database connections open");
        NoPersonalData(after, alpha.ProjectName, username, token);
    }

    [Fact]
    public async Task Metrics_are_not_served_unless_enabled()
    {
        var server = await ServerAsync(Database.Sqlite);
        using var response = await server.Http.GetAsync("metrics");
        AssertEqual(HttpStatusCode.NotFound, response.StatusCode, "/metrics with the default settings");
    }

    [Fact]
    public async Task Metrics_Urls_serve_metrics_on_their_own_port_and_not_on_the_main_one()
    {
        var port = LoopbackPorts.Free();
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, hosting: ServerHosting.Process,
            settings: new Dictionary<string, string> { ["CHEESESHOP_Metrics__Urls"] = $"http://127.0.0.1:{port}" });
        Watch(server);
        using var own = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using (var main = await server.Http.GetAsync("metrics"))
            AssertEqual(HttpStatusCode.NotFound, main.StatusCode, "/metrics on the main address");
        AssertEqual(HttpStatusCode.OK, (await server.Http.GetAsync("simple/")).StatusCode, "/simple/ on the main address");
        var samples = await ScrapeAsync(own, "metrics");
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Label("http_route") == "/simple/");
        using (var other = await own.GetAsync("simple/"))
            AssertEqual(HttpStatusCode.NotFound, other.StatusCode, "/simple/ on the metrics address");
    }

    [Fact]
    public async Task A_Metrics_Urls_value_without_a_port_stops_the_program_and_names_the_setting()
    {
        var server = await ServerAsync(Database.Sqlite);
        var result = await InProcessCli.RunAsync(["doctor", "--data-dir", server.DataDir],
            new Dictionary<string, string?> { ["CHEESESHOP_Metrics__Urls"] = "http://127.0.0.1" }, null);
        Logged(result);
        AssertEqual(1, result.ExitCode, "doctor's exit code");
        AssertOutputContains(result, "Metrics__Urls", "the setting named");
    }

    private async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        AssertEqual(HttpStatusCode.OK, response.StatusCode, $"GET /{path}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        try
        {
            return PrometheusText.Parse(text);
        }
        catch (FormatException e)
        {
            Fail($"/{path} is not valid Prometheus text: {e.Message}\n{text}");
            throw;
        }
    }

    private static double Value(IReadOnlyList<PrometheusSample> samples, string name, params (string Label, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Label) == l.Value)).ToList();
        Assert.True(matching.Count > 0, $"no sample of {name} {string.Join(",", labels)}");
        return matching.Sum(s => s.Value);
    }

    private static double Moved(IReadOnlyList<PrometheusSample> before, IReadOnlyList<PrometheusSample> after, string name,
        params (string Label, string Value)[] labels)
    {
        var was = before.Any(s => s.Name == name && labels.All(l => s.Label(l.Label) == l.Value)) ? Value(before, name, labels) : 0;
        return Value(after, name, labels) - was;
    }

    /// <summary>No label value names the project, the user or the token, or looks like an address.</summary>
    private void NoPersonalData(IReadOnlyList<PrometheusSample> samples, params string[] secrets)
    {
        foreach (var sample in samples)
        {
            foreach (var (label, value) in sample.Labels)
            {
                if (secrets.Any(s => value.Contains(s, StringComparison.OrdinalIgnoreCase)) || IpAddress().IsMatch(value)
                    || label.Contains("address", StringComparison.Ordinal) || label.Contains("user", StringComparison.Ordinal))
                    Fail($"{sample.Name}: label {label}=\"{value}\" carries a name or an address");
            }
        }
    }

    [GeneratedRegex(@"\b\d{1,3}(\.\d{1,3}){3}\b|::1|[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3,}")]
    private static partial Regex IpAddress();
}
