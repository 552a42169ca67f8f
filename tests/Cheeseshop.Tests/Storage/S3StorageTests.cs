using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Storage;

/// <summary>
/// Files in an S3-compatible bucket (a real s3rver), shared by two nodes on one PostgreSQL database:
/// what one node stores the other serves, byte for byte and with the same headers, ranges and download
/// counting as local files; failed uploads leave nothing in the bucket; removals delete the objects.
/// </summary>
public sealed class S3StorageTests(S3ClusterFixture cluster, ServerFixture servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<S3ClusterFixture>
{
    private CheeseshopServer A => cluster.NodeA;
    private CheeseshopServer B => cluster.NodeB;

    /// <summary>The bucket's keys of a project's files (wheels spell its name with '_', sdists with '-').</summary>
    private async Task<List<string>> KeysOfAsync(string project) =>
        (await cluster.S3.KeysAsync())
        .Where(k => Path.GetFileName(k).Replace('_', '-').StartsWith(project + "-", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Twine_uploads_to_one_node_and_pip_installs_from_another()
    {
        Watch(A);
        Watch(B);
        var token = await UploaderAsync(A, "s3-alice");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-s3");
        await UploadAsync(A, token, alpha);

        // Both files and the wheel's PEP 658 metadata are objects under the prefix; no node keeps a local copy.
        var keys = await KeysOfAsync("cheese-alpha-s3");
        var wheelName = Path.GetFileName(alpha.Wheel);
        var sdistName = Path.GetFileName(alpha.Sdist);
        foreach (var name in new[] { wheelName, sdistName, wheelName + ".metadata" })
            Assert.True(keys.Count(k => k.StartsWith(S3ClusterFixture.Prefix, StringComparison.Ordinal) && k.EndsWith("/" + name, StringComparison.Ordinal)) == 1,
                $"the bucket should hold {name} once under {S3ClusterFixture.Prefix}; it holds: {string.Join(", ", keys)}");
        foreach (var node in new[] { A, B })
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(node.DataDir, "files"), "*", SearchOption.AllDirectories));
        var wheelKey = keys.Single(k => k.EndsWith("/" + wheelName, StringComparison.Ordinal));
        AssertEqual(Sha256Of(alpha.Wheel), Sha256Of(await cluster.S3.GetAsync(wheelKey)), "sha256 of the wheel's object");

        // Node B lists what node A took, and serves it as A does.
        var files = await WaitForListingAsync(B, "cheese-alpha-s3", 2);
        var wheelUrl = files.Single(f => f.Filename == wheelName).Url;
        var bytes = await File.ReadAllBytesAsync(alpha.Wheel);
        foreach (var listed in files)
        {
            var local = alpha.Files.Single(f => Path.GetFileName(f) == listed.Filename);
            AssertEqual(Sha256Of(local), listed.Sha256, $"sha256 of {listed.Filename} in B's simple index");
            using var served = await RequestAsync(B, listed.Url);
            AssertEqual(Sha256Of(local), Sha256Of(await served.Content.ReadAsByteArrayAsync()), $"sha256 of {listed.Filename} served by B");
        }
        using (var fromA = await RequestAsync(A, wheelUrl))
        using (var fromB = await RequestAsync(B, wheelUrl))
        {
            foreach (var r in new[] { fromA, fromB })
            {
                AssertEqual(HttpStatusCode.OK, r.StatusCode, "GET of the wheel");
                AssertEqual((long?)bytes.Length, r.Content.Headers.ContentLength, "Content-Length");
                AssertEqual("bytes", string.Join(",", r.Headers.AcceptRanges), "Accept-Ranges");
                AssertEqual("application/octet-stream", r.Content.Headers.ContentType?.MediaType, "Content-Type");
                Assert.NotNull(r.Headers.ETag);
                Assert.NotNull(r.Content.Headers.LastModified);
            }
            AssertEqual(fromA.Headers.ETag, fromB.Headers.ETag, "ETag on both nodes");
            AssertEqual(fromA.Content.Headers.LastModified, fromB.Content.Headers.LastModified, "Last-Modified on both nodes");

            // A conditional request costs a header comparison, as with local files.
            using var notModified = await RequestAsync(B, wheelUrl, r => r.Headers.IfNoneMatch.Add(fromB.Headers.ETag!));
            AssertEqual(HttpStatusCode.NotModified, notModified.StatusCode, "GET with If-None-Match of the ETag");
        }

        // Ranges: one from the start, one from the middle, one from the end (what pip's lazy wheel reading
        // asks for), one past the end; and HEAD.
        using (var start = await RangeAsync(B, wheelUrl, new RangeHeaderValue(0, 99)))
        {
            AssertEqual(HttpStatusCode.PartialContent, start.StatusCode, "Range: bytes=0-99");
            Assert.Equal(bytes[..100], await start.Content.ReadAsByteArrayAsync());
        }
        using (var middle = await RangeAsync(B, wheelUrl, new RangeHeaderValue(10, 109)))
        {
            AssertEqual(HttpStatusCode.PartialContent, middle.StatusCode, "Range: bytes=10-109");
            AssertEqual($"bytes 10-109/{bytes.Length}", middle.Content.Headers.ContentRange?.ToString(), "Content-Range");
            Assert.Equal(bytes[10..110], await middle.Content.ReadAsByteArrayAsync());
        }
        using (var tail = await RangeAsync(B, wheelUrl, new RangeHeaderValue(null, 100)))
        {
            AssertEqual(HttpStatusCode.PartialContent, tail.StatusCode, "Range: bytes=-100");
            Assert.Equal(bytes[^100..], await tail.Content.ReadAsByteArrayAsync());
        }
        using (var outside = await RangeAsync(B, wheelUrl, new RangeHeaderValue(bytes.Length + 10, null)))
            AssertEqual(HttpStatusCode.RequestedRangeNotSatisfiable, outside.StatusCode, "a range past the end");
        using (var head = await RequestAsync(B, wheelUrl, method: HttpMethod.Head))
        {
            AssertEqual(HttpStatusCode.OK, head.StatusCode, "HEAD of the wheel");
            AssertEqual((long?)bytes.Length, head.Content.Headers.ContentLength, "Content-Length of HEAD");
        }

        // PEP 658: the wheel's METADATA, byte for byte, beside it.
        using (var metadata = await RequestAsync(B, new Uri(wheelUrl + ".metadata")))
        {
            AssertEqual(HttpStatusCode.OK, metadata.StatusCode, "GET of the .metadata file");
            AssertEqual("text/plain", metadata.Content.Headers.ContentType?.MediaType, "Content-Type of .metadata");
            Assert.Equal(WheelMetadata(alpha.Wheel), await metadata.Content.ReadAsByteArrayAsync());
        }

        // pip 23.2 (PATH's python3) reads the PEP 658 metadata before it downloads the wheel.
        using var venv = await NewVenvAsync(PythonFlavor.PathPython);
        var beforePip = B.OutputMark;
        var install = await PipInstallAsync(venv, B, "cheese-alpha-s3");
        AssertSucceeded(install, "pip install cheese-alpha-s3 from node B");
        Assert.True(B.OutputSince(beforePip).Contains($"/{wheelName}.metadata 200", StringComparison.Ordinal),
            "pip should read the wheel's PEP 658 metadata from node B before downloading it");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-s3"), "installed version");
        AssertEqual("cheese-alpha-s3-1.0", await ImportAsync(venv, "cheese_alpha", "MARKER"), "cheese_alpha.MARKER");

        // Downloads as with local files: full GETs (three on B, one on A, pip's) and the range from byte 0
        // count; other ranges, HEAD, 304 and .metadata do not.
        await WaitForDownloadsAsync(wheelName, 5);
    }

    [Fact]
    public async Task An_upload_with_a_wrong_digest_leaves_no_object_and_no_row()
    {
        Watch(A);
        var token = await SharedTokenAsync(A);
        const string project = "s3-digest-mismatch";
        var wheel = TestDistributions.Wheel(project, "1.0");
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/")
        {
            Content = TestDistributions.UploadForm(project, "1.0", TestDistributions.WheelName(project, "1.0"), wheel,
                overrides: new Dictionary<string, string> { ["sha256_digest"] = new('a', 64) }),
        };
        request.Headers.Authorization = TestDistributions.Token(token);
        using var response = await A.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        AssertEqual(HttpStatusCode.BadRequest, response.StatusCode, "upload with a wrong sha256_digest: " + body);
        Assert.Contains("does not match", body);
        await AssertNothingStoredAsync(project);
    }

    [Fact]
    public async Task An_upload_whose_commit_fails_removes_the_objects_it_stored()
    {
        Watch(A);
        Watch(B);
        var token = await SharedTokenAsync(A);
        var beta = await BuildAsync("cheese-beta", "1.0", "-s3fail");
        // The database refuses this project's file row, after both objects are in the bucket: the upload
        // must take them out again.
        await ExecuteAsync("""
            CREATE FUNCTION s3_test_refuse_file() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.filename LIKE 'cheese_beta_s3fail-%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER s3_test_refuse_file BEFORE INSERT ON release_files FOR EACH ROW EXECUTE FUNCTION s3_test_refuse_file();
            """);
        try
        {
            AssertFailed(await TwineAsync(B, token, [beta.Wheel]), "twine upload of a file the database refuses");
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER s3_test_refuse_file ON release_files; DROP FUNCTION s3_test_refuse_file();");
        }
        Assert.Contains("refused by the test", B.Output);
        await AssertNothingStoredAsync("cheese-beta-s3fail");
    }

    [Fact]
    public async Task Removing_a_file_with_the_cli_deletes_its_objects()
    {
        Watch(A);
        Watch(B);
        var token = await SharedTokenAsync(A);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-s3rm");
        await UploadAsync(A, token, alpha);
        var wheelName = Path.GetFileName(alpha.Wheel);
        var files = await WaitForListingAsync(B, "cheese-alpha-s3rm", 2);
        var wheelUrl = files.Single(f => f.Filename == wheelName).Url;
        AssertEqual(3, (await KeysOfAsync("cheese-alpha-s3rm")).Count, "objects after the upload (sdist, wheel, .metadata)");

        // Run through node B's settings: any node's CLI removes from the shared bucket.
        AssertSucceeded(await CliAsync(B, "files", "remove", "cheese-alpha-s3rm", wheelName), "cheeseshop files remove");

        var left = await KeysOfAsync("cheese-alpha-s3rm");
        Assert.True(left.Count == 1 && left[0].EndsWith("/" + Path.GetFileName(alpha.Sdist), StringComparison.Ordinal),
            "only the sdist's object should be left; the bucket holds: " + string.Join(", ", left));
        foreach (var node in new[] { A, B })
        {
            using var gone = await RequestAsync(node, wheelUrl);
            AssertEqual(HttpStatusCode.NotFound, gone.StatusCode, $"GET of the removed wheel from {node.BaseUrl}");
            using var goneMetadata = await RequestAsync(node, new Uri(wheelUrl + ".metadata"));
            AssertEqual(HttpStatusCode.NotFound, goneMetadata.StatusCode, $"GET of the removed wheel's .metadata from {node.BaseUrl}");
        }
    }

    /// <summary>A request for <paramref name="url"/>'s path to <paramref name="node"/>, with a User-Agent
    /// (the download statistics ignore requests without one, as linehaul does).</summary>
    private static async Task<HttpResponseMessage> RequestAsync(CheeseshopServer node, Uri url,
        Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(new Uri(node.BaseUrl), url.PathAndQuery));
        request.Headers.UserAgent.ParseAdd("cheeseshop-tests/1.0");
        configure?.Invoke(request);
        return await node.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> RangeAsync(CheeseshopServer node, Uri url, RangeHeaderValue range) =>
        RequestAsync(node, url, r => r.Headers.Range = range);

    private static byte[] WheelMetadata(string wheel)
    {
        using var zip = ZipFile.OpenRead(wheel);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".dist-info/METADATA", StringComparison.Ordinal));
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Another node sees a change when it next reads the journal; wait for the listing.</summary>
    private async Task<IReadOnlyList<(string Filename, Uri Url, string? Sha256)>> WaitForListingAsync(CheeseshopServer node, string project, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var probe = await node.Http.GetAsync($"simple/{project}/");
            if (probe.IsSuccessStatusCode)
            {
                var files = await SimpleJsonFilesAsync(node, project);
                if (files.Count >= count) return files;
            }
            if (DateTime.UtcNow > deadline) Fail($"{node.BaseUrl} did not list {count} files of {project} within 15 s.");
            await Task.Delay(100);
        }
    }

    private async Task WaitForDownloadsAsync(string filename, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var count = 0;
        while (DateTime.UtcNow < deadline)
        {
            count = await CountDownloadsAsync(filename);
            if (count >= expected) break;
            await Task.Delay(100);
        }
        // Anything wrongly counted would be written within the same flush interval.
        await Task.Delay(500);
        AssertEqual(expected, await CountDownloadsAsync(filename), $"download events of {filename}");
    }

    private async Task<int> CountDownloadsAsync(string filename)
    {
        await using var db = ServerDatabase.Open(A);
        return await db.DownloadEvents.CountAsync(e => db.DownloadFiles.Any(f => f.Id == e.FileId && f.Filename == filename));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = ServerDatabase.OpenConnection(A);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>No object, no file row, no project, and no temporary file left on either node.</summary>
    private async Task AssertNothingStoredAsync(string project)
    {
        var keys = await KeysOfAsync(project);
        var distribution = project.Replace('-', '_') + "-";
        Assert.True(keys.Count == 0, "objects left in the bucket: " + string.Join(", ", keys));
        await using (var db = ServerDatabase.Open(A))
        {
            AssertEqual(0, await db.Files.CountAsync(f => f.Filename.StartsWith(distribution)), $"file rows of {project}");
            AssertEqual(0, await db.Projects.CountAsync(p => p.NormalizedName == project), $"project rows of {project}");
        }
        foreach (var node in new[] { A, B })
        {
            using var simple = await node.Http.GetAsync($"simple/{project}/");
            AssertEqual(HttpStatusCode.NotFound, simple.StatusCode, $"/simple/{project}/ on {node.BaseUrl}");
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(node.DataDir, "tmp")));
        }
    }
}
