using System.Net;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.EndToEnd;

/// <summary>twine against the upload endpoint: re-uploads, filename reuse, credentials.</summary>
[LongRunning]
public sealed class UploadTests(ProcessServerFixture servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Re_uploading_identical_files_succeeds_with_and_without_skip_existing(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-same");

        await UploadAsync(server, token, alpha);
        AssertSucceeded(await TwineAsync(server, token, alpha.Files), "the same upload again (identical files)");
        AssertSucceeded(await TwineAsync(server, token, alpha.Files, "--skip-existing"), "the same upload with --skip-existing");

        var files = await SimpleJsonFilesAsync(server, "cheese-alpha-same");
        AssertEqual(2, files.Count, $"files listed for cheese-alpha-same ({string.Join(", ", files.Select(f => f.Filename))})");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_different_file_under_a_used_filename_is_refused(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var first = await BuildAsync("cheese-alpha", "1.0", "-diff", new Dictionary<string, string> { ["MARKER"] = "first" });
        var second = await BuildAsync("cheese-alpha", "1.0", "-diff", new Dictionary<string, string> { ["MARKER"] = "second" });
        Assert.Equal(Path.GetFileName(first.Wheel), Path.GetFileName(second.Wheel));
        Assert.NotEqual(Sha256Of(first.Wheel), Sha256Of(second.Wheel));

        await UploadAsync(server, token, first);

        var again = await TwineAsync(server, token, [second.Wheel]);
        AssertFailed(again, "uploading a different wheel under the same filename", "400", "File already exists");

        // twine's --skip-existing recognises PyPI's "400 File already exists" and skips the file.
        var skip = await TwineAsync(server, token, [second.Wheel], "--skip-existing");
        AssertSucceeded(skip, "the different wheel with --skip-existing");
        AssertOutputContains(skip, "Skipping", "twine --skip-existing");

        // The index still serves the first file.
        var listed = (await SimpleJsonFilesAsync(server, "cheese-alpha-diff")).Single(f => f.Filename == Path.GetFileName(first.Wheel));
        AssertEqual(Sha256Of(first.Wheel), listed.Sha256, "sha256 listed for the wheel");
        AssertEqual(Sha256Of(first.Wheel), Sha256Of(await server.Http.GetByteArrayAsync(listed.Url)), "sha256 of the wheel served");
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Uploads_without_valid_credentials_are_refused(Database database)
    {
        var server = await ServerAsync(database);
        var token = await UploaderAsync(server, "ivan-auth");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-auth");

        // A token that was never issued.
        var wrongToken = await TwineAsync(server, "pypi-AgENdGVzdC5weXBpLm9yZwIkNGE3ZTcyNzktbm90LWEtcmVhbC10b2tlbg", [alpha.Wheel]);
        AssertFailed(wrongToken, "twine upload with a token that was never issued", "403");

        // The real token with a character changed (not the last one, whose low bits are only padding).
        var tampered = token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];
        AssertFailed(await TwineAsync(server, tampered, [alpha.Wheel]), "twine upload with a tampered token", "403");

        // A username and password is not accepted at all: the answer says to use an API token.
        var password = Logged(await PythonTools.TwineUploadAsync(server.UploadUrl, "ivan-auth", Password, [alpha.Wheel]));
        AssertFailed(password, "twine upload with the right username and password", "403", "API token");

        // No credentials at all (twine always sends some, so this is a plain HTTP POST in twine's format).
        using (var form = UploadForm(alpha.Wheel, "cheese-alpha-auth", "1.0"))
        using (var response = await server.Http.PostAsync("legacy/", form))
        {
            var body = await response.Content.ReadAsStringAsync();
            Log($"POST /legacy/ without Authorization -> {(int)response.StatusCode} {response.ReasonPhrase}\n{body}");
            if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized))
                Fail($"POST /legacy/ without credentials should get 401 or 403, got {(int)response.StatusCode} {response.ReasonPhrase}\n{body}");
        }

        // Nothing was created by any of the attempts.
        using (var simple = await server.Http.GetAsync("simple/cheese-alpha-auth/"))
            AssertEqual(HttpStatusCode.NotFound, simple.StatusCode, "GET /simple/cheese-alpha-auth/ after refused uploads");

        // And the real token works.
        await UploadAsync(server, token, alpha);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Tokens_only_upload_to_projects_they_may(Database database)
    {
        var server = await ServerAsync(database);
        var ownerToken = await UploaderAsync(server, "judy-owner");
        await UploadAsync(server, ownerToken, await BuildAsync("cheese-alpha", "1.0", "-owned"));

        // Another user may not add a release to judy's project.
        var otherToken = await UploaderAsync(server, "karl-other");
        AssertFailed(await TwineAsync(server, otherToken, (await BuildAsync("cheese-alpha", "1.1", "-owned")).Files),
            "another user's upload to an existing project", "403");

        // A token scoped to one project uploads that project and no other.
        var lenaToken = await UploaderAsync(server, "lena-scoped");
        await UploadAsync(server, lenaToken, await BuildAsync("cheese-beta", "1.0", "-scoped"));
        var scoped = await server.CreateTokenAsync("lena-scoped", project: "cheese-beta-scoped");
        Log($"token scoped to cheese-beta-scoped: {scoped[..Math.Min(12, scoped.Length)]}...");
        AssertFailed(await TwineAsync(server, scoped, (await BuildAsync("cheese-alpha", "1.0", "-scoped")).Files),
            "a token scoped to cheese-beta-scoped uploading a new project cheese-alpha-scoped", "403");
        AssertSucceeded(await TwineAsync(server, scoped, (await BuildAsync("cheese-beta", "1.1", "-scoped")).Files),
            "a token scoped to cheese-beta-scoped uploading cheese-beta-scoped 1.1");
    }

    /// <summary>The multipart form twine sends (metadata 2.1 fields plus the file).</summary>
    private static MultipartFormDataContent UploadForm(string path, string name, string version)
    {
        var form = new MultipartFormDataContent();
        void Field(string key, string value) => form.Add(new StringContent(value), key);
        Field(":action", "file_upload");
        Field("protocol_version", "1");
        Field("metadata_version", "2.1");
        Field("name", name);
        Field("version", version);
        Field("filetype", path.EndsWith(".whl") ? "bdist_wheel" : "sdist");
        Field("pyversion", path.EndsWith(".whl") ? "py3" : "source");
        Field("sha256_digest", Sha256Of(path));
        var file = new ByteArrayContent(File.ReadAllBytes(path));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "content", Path.GetFileName(path));
        return form;
    }
}
