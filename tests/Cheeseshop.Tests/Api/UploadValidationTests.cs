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

    /// <summary>Each bad upload: the expected status and a piece of the message.</summary>
    private static readonly (string Case, int Status, string Message)[] BadUploads =
    [
        ("digest-mismatch", 400, "does not match"),
        ("no-digest", 400, "at least one message digest"),
        ("filename-version-mismatch", 400, "Version in filename"),
        ("filename-name-mismatch", 400, "Start filename"),
        ("metadata-disagrees", 400, "disagree"),
        ("requires-python-disagrees", 400, "Requires-Python"),
        ("path-in-filename", 400, ""),
        ("dotdot-filename", 400, ""),
        ("zip-not-wheel", 400, "Invalid distribution file"),
        ("zip-bomb-metadata", 400, "Invalid distribution file"),
        ("unknown-action", 400, "Unknown :action"),
        ("doc-upload", 410, "no longer supported"),
        ("invalid-version", 400, ""),
        ("invalid-name", 400, ""),
        ("bad-filetype", 400, "filetype"),
        ("no-file", 400, "does not have a file"),
        ("local-version", 400, "local"),
    ];

    [Theory]
    [MemberData(nameof(AllBadUploads))]
    public async Task A_bad_upload_is_refused_clearly_and_stores_nothing(string caseName, Database db, int status, string message)
    {
        var (server, token) = await SetUpAsync(db);
        var project = $"bad-{caseName}-{db}".ToLowerInvariant();
        var form = BuildCase(caseName, project);
        var (actual, reason, body) = await PostAsync(server, token, form);
        Log($"{caseName}: {(int)actual} {reason}");
        AssertEqual(status, (int)actual, $"status for {caseName} ({reason})");
        Assert.False(string.IsNullOrWhiteSpace(reason), "the reason phrase carries the message for twine");
        Assert.Contains(message, body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(message, reason, StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync(server, project);
    }

    public static IEnumerable<object[]> AllBadUploads() =>
        BadUploads.SelectMany(row => new[] { Database.Sqlite, Database.Postgres }
            .Select(d => new object[] { row.Case, d, row.Status, row.Message }));

    private static HttpContent BuildCase(string caseName, string project)
    {
        const string v = "1.0";
        var wheel = Wheel(project, v);
        var wheelName = WheelName(project, v);
        switch (caseName)
        {
            case "digest-mismatch":
                return UploadForm(project, v, wheelName, wheel, overrides: new Dictionary<string, string> { ["sha256_digest"] = new string('0', 64) });
            case "no-digest":
                return UploadForm(project, v, wheelName, wheel, overrides: new Dictionary<string, string> { ["sha256_digest"] = null!, ["md5_digest"] = null! });
            case "filename-version-mismatch":
                return UploadForm(project, v, WheelName(project, "2.0"), Wheel(project, "2.0"));
            case "filename-name-mismatch":
                return UploadForm(project, v, WheelName("other-name", v), Wheel("other-name", v));
            case "metadata-disagrees":
                return UploadForm(project, v, wheelName, Wheel(project, v, Metadata(project, v, requiresDist: ["requests"])));
            case "requires-python-disagrees":
                return UploadForm(project, v, wheelName, Wheel(project, v, Metadata(project, v, requiresPython: "<3")), requiresPython: ">=3.8");
            case "path-in-filename":
                return UploadForm(project, v, "../" + wheelName, wheel);
            case "dotdot-filename":
                return UploadForm(project, v, "..", wheel);
            case "zip-not-wheel":
            {
                using var ms = new MemoryStream();
                using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true)) Add(zip, "hello.txt", "not a wheel");
                return UploadForm(project, v, wheelName, ms.ToArray());
            }
            case "zip-bomb-metadata":
            {
                // METADATA that inflates from a few KB to 200 MB: refused from the zip's own headers.
                var distInfo = $"{project.Replace('-', '_')}-{v}.dist-info";
                using var ms = new MemoryStream();
                using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
                {
                    Add(zip, $"{distInfo}/WHEEL", "Wheel-Version: 1.0\n");
                    using var s = zip.CreateEntry($"{distInfo}/METADATA", CompressionLevel.SmallestSize).Open();
                    s.Write(System.Text.Encoding.UTF8.GetBytes(Metadata(project, v)));
                    var zeros = new byte[1024 * 1024];
                    for (var i = 0; i < 200; i++) s.Write(zeros);
                }
                return UploadForm(project, v, wheelName, ms.ToArray());
            }
            case "unknown-action":
                return UploadForm(project, v, wheelName, wheel, overrides: new Dictionary<string, string> { [":action"] = "launch_missiles" });
            case "doc-upload":
                return UploadForm(project, v, wheelName, wheel, overrides: new Dictionary<string, string> { [":action"] = "doc_upload" });
            case "invalid-version":
                return UploadForm(project, "not.a.version!", WheelName(project, "1.0"), wheel);
            case "invalid-name":
                return UploadForm("-bad name-", v, wheelName, wheel);
            case "bad-filetype":
                return UploadForm(project, v, wheelName, wheel, filetype: "bdist_egg");
            case "no-file":
            {
                var form = new MultipartFormDataContent();
                foreach (var (k, val) in new[] { (":action", "file_upload"), ("metadata_version", "2.1"), ("name", project), ("version", v), ("filetype", "sdist"), ("md5_digest", new string('0', 32)) })
                    form.Add(new StringContent(val), k);
                return form;
            }
            case "local-version":
                return UploadForm(project, "1.0+local", WheelName(project, "1.0+local"), Wheel(project, "1.0+local"));
            default:
                throw new ArgumentException(caseName);
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Without_valid_credentials_an_upload_is_forbidden(Database db)
    {
        var (server, token) = await SetUpAsync(db);
        var project = $"auth-check-{db}".ToLowerInvariant();
        var wheel = Wheel(project, "1.0");
        var (none, _, _) = await PostAsync(server, null, UploadForm(project, "1.0", WheelName(project, "1.0"), wheel));
        AssertEqual(HttpStatusCode.Forbidden, none, "upload without credentials");
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
