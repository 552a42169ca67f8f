using System.IO.Compression;
using System.Net;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Api;

/// <summary>
/// Bad uploads over real HTTP: each gets the right status and a message a person understands, and
/// leaves nothing behind (no project, no file in the store, no temporary file).
/// </summary>
public sealed class UploadValidationTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    /// <summary>The class's server and its shared uploader; each case uses its own project name.</summary>
    private async Task<(CheeseshopServer Server, string Token)> SetUpAsync(Database db)
    {
        var server = await ServerAsync(db);
        return (server, await SharedUploaderAsync(server));
    }

    private static async Task<(HttpStatusCode Status, string Reason, string Body)> PostAsync(
        CheeseshopServer server, string? token, HttpContent form, string path = "legacy/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (token is not null) request.Headers.Authorization = Token(token);
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, response.ReasonPhrase ?? "", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The project must not exist and the data directory must hold no file of it.</summary>
    private async Task AssertNothingStoredAsync(CheeseshopServer server, string project)
    {
        using var simple = await server.Http.GetAsync($"simple/{project}/");
        AssertEqual(HttpStatusCode.NotFound, simple.StatusCode, $"/simple/{project}/ after a refused upload");
        var leftovers = Directory.EnumerateFiles(Path.Combine(server.DataDir, "files"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith(project.Replace('-', '_'), StringComparison.Ordinal)).ToList();
        Assert.True(leftovers.Count == 0, "files left in the store: " + string.Join(", ", leftovers));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "tmp")));
    }

    /// <summary>Each bad upload for a project name and version: the form sent, the expected status and a piece of
    /// the message (in the body and the reason phrase twine shows).</summary>
    private static readonly Dictionary<string, (Func<string, string, HttpContent> Form, int Status, string Message)> BadUploads = new()
    {
        ["digest-mismatch"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v), overrides: new Dictionary<string, string> { ["sha256_digest"] = new string('0', 64) }),
            400, "does not match"),
        ["no-digest"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v), overrides: new Dictionary<string, string> { ["sha256_digest"] = null!, ["md5_digest"] = null! }),
            400, "at least one message digest"),
        ["filename-version-mismatch"] = ((p, v) => UploadForm(p, v, WheelName(p, "2.0"), Wheel(p, "2.0")),
            400, "Version in filename"),
        ["filename-name-mismatch"] = ((p, v) => UploadForm(p, v, WheelName("other-name", v), Wheel("other-name", v)),
            400, "Start filename"),
        ["metadata-disagrees"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v, Metadata(p, v, requiresDist: ["requests"]))),
            400, "disagree"),
        ["requires-python-disagrees"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v, Metadata(p, v, requiresPython: "<3")), requiresPython: ">=3.8"),
            400, "Requires-Python"),
        ["path-in-filename"] = ((p, v) => UploadForm(p, v, "../" + WheelName(p, v), Wheel(p, v)),
            400, ""),
        ["dotdot-filename"] = ((p, v) => UploadForm(p, v, "..", Wheel(p, v)),
            400, ""),
        ["zip-not-wheel"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Zip(("hello.txt", "not a wheel"))),
            400, "Invalid distribution file"),
        ["zip-bomb-metadata"] = ((p, v) => UploadForm(p, v, WheelName(p, v), MetadataBomb(p, v)),
            400, "Invalid distribution file"),
        ["unknown-action"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v), overrides: new Dictionary<string, string> { [":action"] = "launch_missiles" }),
            400, "Unknown :action"),
        ["doc-upload"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v), overrides: new Dictionary<string, string> { [":action"] = "doc_upload" }),
            410, "no longer supported"),
        ["invalid-version"] = ((p, v) => UploadForm(p, "not.a.version!", WheelName(p, v), Wheel(p, v)),
            400, ""),
        ["invalid-name"] = ((p, v) => UploadForm("-bad name-", v, WheelName(p, v), Wheel(p, v)),
            400, ""),
        ["bad-filetype"] = ((p, v) => UploadForm(p, v, WheelName(p, v), Wheel(p, v), filetype: "bdist_egg"),
            400, "filetype"),
        ["no-file"] = ((p, v) => Fields((":action", "file_upload"), ("metadata_version", "2.1"), ("name", p), ("version", v), ("filetype", "sdist"), ("md5_digest", new string('0', 32))),
            400, "does not have a file"),
        ["local-version"] = ((p, _) => UploadForm(p, "1.0+local", WheelName(p, "1.0+local"), Wheel(p, "1.0+local")),
            400, "local"),
    };

    /// <summary>Every case on SQLite; on PostgreSQL the cases that get past the form to the archive and the
    /// database's view of the project (the rules themselves do not depend on the database).</summary>
    public static TheoryData<string, Database> AllBadUploads()
    {
        var data = new TheoryData<string, Database>();
        foreach (var name in BadUploads.Keys) data.Add(name, Database.Sqlite);
        foreach (var name in (string[])["digest-mismatch", "metadata-disagrees", "zip-bomb-metadata", "local-version"]) data.Add(name, Database.Postgres);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllBadUploads))]
    public async Task A_bad_upload_is_refused_clearly_and_stores_nothing(string caseName, Database db)
    {
        var (build, status, message) = BadUploads[caseName];
        var (server, token) = await SetUpAsync(db);
        var project = $"bad-{caseName}-{db}".ToLowerInvariant();
        var (actual, reason, body) = await PostAsync(server, token, build(project, "1.0"));
        Log($"{caseName}: {(int)actual} {reason}");
        AssertEqual(status, (int)actual, $"status for {caseName} ({reason})");
        Assert.False(string.IsNullOrWhiteSpace(reason), "the reason phrase carries the message for twine");
        Assert.Contains(message, body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(message, reason, StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync(server, project);
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
            foreach (var (name, text) in entries) Add(zip, name, text);
        return ms.ToArray();
    }

    /// <summary>A wheel whose METADATA inflates from a few KB to 200 MB: refused from the zip's own headers.</summary>
    private static byte[] MetadataBomb(string project, string version)
    {
        var distInfo = $"{project.Replace('-', '_')}-{version}.dist-info";
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            Add(zip, $"{distInfo}/WHEEL", "Wheel-Version: 1.0\n");
            using var s = zip.CreateEntry($"{distInfo}/METADATA", CompressionLevel.SmallestSize).Open();
            s.Write(System.Text.Encoding.UTF8.GetBytes(Metadata(project, version)));
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 200; i++) s.Write(zeros);
        }
        return ms.ToArray();
    }

    private static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Without_credentials_an_upload_is_challenged_and_with_wrong_ones_forbidden(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        var project = $"auth-check-{db}".ToLowerInvariant();
        var wheel = Wheel(project, "1.0");
        var (none, _, _) = await PostAsync(server, null, UploadForm(project, "1.0", WheelName(project, "1.0"), wheel));
        // 401 with a Basic challenge, so that twine asks for credentials (ProjectRulesTests checks the header).
        AssertEqual(HttpStatusCode.Unauthorized, none, "upload without credentials");
        var (wrong, _, _) = await PostAsync(server, token[..^2] + "xx", UploadForm(project, "1.0", WheelName(project, "1.0"), wheel));
        AssertEqual(HttpStatusCode.Forbidden, wrong, "upload with a tampered token");
        await AssertNothingStoredAsync(server, project);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Only_owners_and_maintainers_upload_to_a_project(Database db)
    {
        var server = await ServerAsync(db);
        var owner = await UploaderAsync(server, $"owner-{db}".ToLowerInvariant());
        var stranger = await UploaderAsync(server, $"stranger-{db}".ToLowerInvariant());
        var project = $"owned-project-{db}".ToLowerInvariant();
        var (first, reason, _) = await PostAsync(server, owner, UploadForm(project, "1.0", WheelName(project, "1.0"), Wheel(project, "1.0")));
        AssertEqual(HttpStatusCode.OK, first, $"first upload creates the project ({reason})");
        var (second, why, _) = await PostAsync(server, stranger, UploadForm(project, "1.1", WheelName(project, "1.1"), Wheel(project, "1.1")));
        AssertEqual(HttpStatusCode.Forbidden, second, "upload by a user without a role");
        Assert.Contains("isn't allowed to upload", why);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_filename_is_never_reusable_even_after_removal(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        var project = $"reuse-project-{db}".ToLowerInvariant();
        var wheel = Wheel(project, "1.0");
        var name = WheelName(project, "1.0");
        AssertEqual(HttpStatusCode.OK, (await PostAsync(server, token, UploadForm(project, "1.0", name, wheel))).Status, "first upload");
        AssertEqual(HttpStatusCode.OK, (await PostAsync(server, token, UploadForm(project, "1.0", name, wheel))).Status, "identical re-upload");
        var different = Wheel(project, "1.0", Metadata(project, "1.0", body: "Different bytes.\n"));
        var (status, reason, _) = await PostAsync(server, token, UploadForm(project, "1.0", name, different));
        AssertEqual(HttpStatusCode.BadRequest, status, "other content under a used filename");
        Assert.StartsWith("File already exists", reason);

        var removed = await CliAsync(server, "files", "remove", project, name);
        AssertSucceeded(removed, "files remove");
        var (again, againReason, _) = await PostAsync(server, token, UploadForm(project, "1.0", name, wheel));
        AssertEqual(HttpStatusCode.BadRequest, again, "re-upload after removal");
        Assert.Contains("previously used", againReason);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Only_one_sdist_per_release(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        var project = $"sdist-project-{db}".ToLowerInvariant();
        var tgz = Sdist(project, "1.0");
        var form = UploadForm(project, "1.0", $"{project.Replace('-', '_')}-1.0.tar.gz", tgz, filetype: "sdist");
        AssertEqual(HttpStatusCode.OK, (await PostAsync(server, token, form)).Status, "sdist upload");
        var zip = new MemoryStream();
        using (var z = new ZipArchive(zip, ZipArchiveMode.Create, true)) Add(z, $"{project.Replace('-', '_')}-1.0/PKG-INFO", Metadata(project, "1.0"));
        var second = UploadForm(project, "1.0", $"{project.Replace('-', '_')}-1.0.zip", zip.ToArray(), filetype: "sdist");
        var (status, reason, _) = await PostAsync(server, token, second);
        AssertEqual(HttpStatusCode.BadRequest, status, $"second sdist ({reason})");
        Assert.Contains("one sdist", reason);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Malformed_multipart_is_a_400(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        var content = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nabc\r\n--xy", System.Text.Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        var (status, reason, _) = await PostAsync(server, token, content);
        AssertEqual(HttpStatusCode.BadRequest, status, $"truncated multipart ({reason})");
        var notMultipart = new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        AssertEqual(HttpStatusCode.BadRequest, (await PostAsync(server, token, notMultipart)).Status, "urlencoded body");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_slashless_upload_url_redirects_with_308(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl + "/") };
        using var response = await client.PostAsync("legacy", new StringContent(""));
        AssertEqual(HttpStatusCode.PermanentRedirect, response.StatusCode, "POST /legacy");
        AssertEqual("/legacy/", response.Headers.Location?.ToString(), "Location");
    }
}
