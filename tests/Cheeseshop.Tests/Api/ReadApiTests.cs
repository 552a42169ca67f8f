using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Api;

/// <summary>The Simple API, the JSON API and the files, as clients and mirrors read them.</summary>
public sealed class ReadApiTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private async Task<(CheeseshopServer Server, string Project, byte[] Wheel)> PublishAsync(Database db, string project)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        byte[] wheel = [];
        foreach (var (version, requiresPython) in new[] { ("1.0", ">=3.8"), ("2.0b1", ">=3.8"), ("1.5", "<3,>=2.7") })
        {
            var built = Wheel(project, version, Metadata(project, version, requiresPython: requiresPython));
            if (version == "1.0") wheel = built;
            using var response = await UploadWheelAsync(server, token, project, version, requiresPython: requiresPython, wheel: built);
            AssertEqual(HttpStatusCode.OK, response.StatusCode, $"upload {version}: {response.ReasonPhrase}");
        }
        return (server, project, wheel);
    }

    private static async Task<HttpResponseMessage> GetAsync(CheeseshopServer server, string path, string? accept = null, string? ifNoneMatch = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl + "/") };
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await client.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Simple_detail_negotiates_html_and_json(Database db)
    {
        var (server, project, _) = await PublishAsync(db, $"simple-neg-{db}".ToLowerInvariant());

        using var html = await GetAsync(server, $"simple/{project}/");
        AssertEqual("text/html", html.Content.Headers.ContentType?.MediaType, "no Accept gives HTML");
        var text = await html.Content.ReadAsStringAsync();
        Assert.Contains($"<title>Links for {project}</title>", text);
        Assert.Contains("data-requires-python=\"&lt;3,&gt;=2.7\"", text);
        Assert.Contains("data-core-metadata=\"sha256=", text);
        Assert.Contains("<meta name=\"pypi:repository-version\" content=\"1.4\">", text);
        var serial = html.Headers.GetValues("X-PyPI-Last-Serial").Single();
        Assert.EndsWith($"<!--SERIAL {serial}-->", text);

        // pip's own Accept header: JSON preferred.
        using var json = await GetAsync(server, $"simple/{project}/",
            "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01");
        AssertEqual("application/vnd.pypi.simple.v1+json", json.Content.Headers.ContentType?.MediaType, "pip's Accept");
        var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        AssertEqual("1.4", doc.GetProperty("meta").GetProperty("api-version").GetString(), "api-version");
        AssertEqual(project, doc.GetProperty("name").GetString(), "name");
        Assert.Equal(["1.0", "1.5", "2.0b1"], doc.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        var file = doc.GetProperty("files")[0];
        Assert.True(file.GetProperty("size").GetInt64() > 0);
        Assert.EndsWith("Z", file.GetProperty("upload-time").GetString());
        Assert.Equal(64, file.GetProperty("core-metadata").GetProperty("sha256").GetString()!.Length);

        // HTML wins a tie; q=0 refuses; ?format= overrides.
        using var tie = await GetAsync(server, $"simple/{project}/", "application/vnd.pypi.simple.v1+json, text/html");
        AssertEqual("text/html", tie.Content.Headers.ContentType?.MediaType, "equal q-values");
        using var refused = await GetAsync(server, $"simple/{project}/", "application/vnd.pypi.simple.v1+json;q=0");
        AssertEqual("text/html", refused.Content.Headers.ContentType?.MediaType, "nothing acceptable gives HTML, not 406");
        using var forced = await GetAsync(server, $"simple/{project}/?format=application/vnd.pypi.simple.v1+json");
        AssertEqual("application/vnd.pypi.simple.v1+json", forced.Content.Headers.ContentType?.MediaType, "?format=");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Names_redirect_to_normalized_urls_and_unknown_projects_404(Database db)
    {
        var (server, project, _) = await PublishAsync(db, $"redirect-me-{db}".ToLowerInvariant());
        var unnormalized = project.ToUpperInvariant().Replace('-', '_');
        using var moved = await GetAsync(server, $"simple/{unnormalized}/");
        AssertEqual(HttpStatusCode.MovedPermanently, moved.StatusCode, "unnormalized name");
        AssertEqual($"/simple/{project}/", moved.Headers.Location?.ToString(), "redirect target");
        using var noSlash = await GetAsync(server, $"simple/{project}");
        AssertEqual(HttpStatusCode.MovedPermanently, noSlash.StatusCode, "missing slash");
        using var missing = await GetAsync(server, "simple/no-such-project-anywhere/");
        AssertEqual(HttpStatusCode.NotFound, missing.StatusCode, "unknown project");
        using var jsonMoved = await GetAsync(server, $"pypi/{unnormalized}/json");
        AssertEqual(HttpStatusCode.MovedPermanently, jsonMoved.StatusCode, "JSON API unnormalized name");
        using var jsonMissing = await GetAsync(server, "pypi/no-such-project-anywhere/json");
        AssertEqual(HttpStatusCode.NotFound, jsonMissing.StatusCode, "JSON API unknown project");
        Assert.Contains("Not Found", await jsonMissing.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Pages_carry_serial_etags_and_answer_304_until_the_project_changes(Database db)
    {
        var (server, project, _) = await PublishAsync(db, $"etag-{db}".ToLowerInvariant());
        using var first = await GetAsync(server, $"simple/{project}/");
        var etag = first.Headers.ETag!.Tag;
        var serial = long.Parse(first.Headers.GetValues("X-PyPI-Last-Serial").Single());
        using var again = await GetAsync(server, $"simple/{project}/", ifNoneMatch: etag);
        AssertEqual(HttpStatusCode.NotModified, again.StatusCode, "If-None-Match with the current ETag");

        var yank = await CliAsync(server, "releases", "yank", project, "1.0", "--reason", "broken build");
        AssertSucceeded(yank, "releases yank");
        // The CLI is another process: the server learns from the journal within its poll interval.
        HttpResponseMessage? changed = null;
        for (var i = 0; i < 50; i++)
        {
            changed = await GetAsync(server, $"simple/{project}/", ifNoneMatch: etag);
            if (changed.StatusCode == HttpStatusCode.OK) break;
            await Task.Delay(100);
        }
        AssertEqual(HttpStatusCode.OK, changed!.StatusCode, "after a yank the old ETag no longer matches");
        Assert.True(long.Parse(changed.Headers.GetValues("X-PyPI-Last-Serial").Single()) > serial, "the serial moved on");
        Assert.Contains("data-yanked=\"broken build\"", await changed.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Json_api_has_warehouse_fields_and_picks_the_latest_final(Database db)
    {
        var (server, project, wheel) = await PublishAsync(db, $"json-api-{db}".ToLowerInvariant());
        using var response = await GetAsync(server, $"pypi/{project}/json");
        AssertEqual("application/json", response.Content.Headers.ContentType?.MediaType, "content type");
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var info = doc.GetProperty("info");
        AssertEqual("1.5", info.GetProperty("version").GetString(), "latest = highest final, not the 2.0b1 pre-release");
        AssertEqual("<3,>=2.7", info.GetProperty("requires_python").GetString(), "requires_python");
        Assert.False(info.GetProperty("yanked").GetBoolean());
        Assert.Equal(3, doc.GetProperty("releases").EnumerateObject().Count());
        Assert.Empty(doc.GetProperty("vulnerabilities").EnumerateArray());
        Assert.True(doc.GetProperty("last_serial").GetInt64() > 0);
        var url = doc.GetProperty("urls")[0];
        foreach (var key in new[] { "digests", "size", "upload_time_iso_8601", "yanked", "url", "filename", "packagetype", "python_version" })
            Assert.True(url.TryGetProperty(key, out _), $"urls[0] lacks {key}");

        using var versioned = await GetAsync(server, $"pypi/{project}/1.0.0/json");
        AssertEqual(HttpStatusCode.OK, versioned.StatusCode, "version route matches canonically (1.0.0 finds 1.0)");
        var vdoc = JsonDocument.Parse(await versioned.Content.ReadAsStringAsync()).RootElement;
        AssertEqual("1.0", vdoc.GetProperty("info").GetProperty("version").GetString(), "version route");
        Assert.False(vdoc.TryGetProperty("releases", out _), "the version route has no releases");
        var sha = vdoc.GetProperty("urls")[0].GetProperty("digests").GetProperty("sha256").GetString();
        AssertEqual(Convert.ToHexStringLower(SHA256.HashData(wheel)), sha, "sha256 of the uploaded wheel");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Files_are_served_whole_by_range_and_with_their_metadata(Database db)
    {
        var (server, project, wheel) = await PublishAsync(db, $"files-{db}".ToLowerInvariant());
        using var json = await GetAsync(server, $"pypi/{project}/1.0/json");
        var url = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("urls")[0].GetProperty("url").GetString()!;
        Assert.Matches("/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/", url);

        using var whole = await server.Http.GetAsync(url);
        Assert.Equal(wheel, await whole.Content.ReadAsByteArrayAsync());
        AssertEqual((long)wheel.Length, whole.Content.Headers.ContentLength, "Content-Length");
        Assert.NotNull(whole.Headers.ETag);

        var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new RangeHeaderValue(10, 19);
        using var part = await server.Http.SendAsync(ranged);
        AssertEqual(HttpStatusCode.PartialContent, part.StatusCode, "Range request");
        Assert.Equal(wheel[10..20], await part.Content.ReadAsByteArrayAsync());

        using var metadata = await server.Http.GetAsync(url + ".metadata");
        AssertEqual(HttpStatusCode.OK, metadata.StatusCode, "PEP 658 metadata");
        var bytes = await metadata.Content.ReadAsByteArrayAsync();
        Assert.Contains($"Name: {project}", System.Text.Encoding.UTF8.GetString(bytes));
        using var simple = await GetAsync(server, $"simple/{project}/", "application/vnd.pypi.simple.v1+json");
        var files = JsonDocument.Parse(await simple.Content.ReadAsStringAsync()).RootElement.GetProperty("files").EnumerateArray();
        var entry = files.Single(f => url.EndsWith(f.GetProperty("url").GetString()!));
        AssertEqual(Convert.ToHexStringLower(SHA256.HashData(bytes)), entry.GetProperty("core-metadata").GetProperty("sha256").GetString(), "metadata hash");

        using var missing = await server.Http.GetAsync("packages/00/00/" + new string('0', 60) + "/nothing-1.0.tar.gz");
        AssertEqual(HttpStatusCode.NotFound, missing.StatusCode, "unknown file");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_index_lists_projects_with_their_serials(Database db)
    {
        var (server, project, _) = await PublishAsync(db, $"index-{db}".ToLowerInvariant());
        using var html = await GetAsync(server, "simple/");
        Assert.Contains($"<a href=\"/simple/{project}/\">{project}</a>", await html.Content.ReadAsStringAsync());
        using var json = await GetAsync(server, "simple/", "application/vnd.pypi.simple.v1+json");
        var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        var entry = doc.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("name").GetString() == project);
        Assert.True(entry.GetProperty("_last-serial").GetInt64() > 0);
        Assert.True(doc.GetProperty("meta").GetProperty("_last-serial").GetInt64() >= entry.GetProperty("_last-serial").GetInt64());
    }
}
