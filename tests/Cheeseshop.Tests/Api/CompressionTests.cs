using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Cheeseshop.Index;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Api;

/// <summary>
/// gzip and Brotli on the read APIs, as clients see them on the wire: the same bytes as the plain
/// page once decoded, the compressed Content-Length, Vary, an ETag per coding and the 304s that follow
/// from it, HEAD; pip, which asks for gzip; and a cache too small for the index, which must stay under
/// its limit and keep serving every project right.
/// </summary>
public sealed class CompressionTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private const string PipAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

    /// <summary>A raw request: nothing decoded, no redirect followed.</summary>
    private static async Task<(HttpResponseMessage Response, byte[] Body)> RawAsync(CheeseshopServer server, HttpMethod method, string path,
        string? accept = null, string? acceptEncoding = null, string? ifNoneMatch = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl + "/") };
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decode(string coding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : "";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Each_read_page_decodes_to_the_plain_bytes_with_its_own_etag_length_and_vary(Database db)
    {
        var server = await ServerAsync(db);
        var project = $"squeeze-{db}".ToLowerInvariant();
        var token = await SharedTokenAsync(server);
        foreach (var version in new[] { "1.0", "1.1", "2.0" })
        {
            using var up = await UploadWheelAsync(server, token, project, version);
            AssertEqual(HttpStatusCode.OK, up.StatusCode, $"upload {version}");
        }
        var pages = new (string Path, string? Accept, string Vary)[]
        {
            ($"simple/{project}/", null, "Accept, Accept-Encoding"),
            ($"simple/{project}/", PipAccept, "Accept, Accept-Encoding"),
            ("simple/", null, "Accept, Accept-Encoding"),
            ("simple/", PipAccept, "Accept, Accept-Encoding"),
            ($"pypi/{project}/json", null, "Accept-Encoding"),
            ($"pypi/{project}/1.1/json", null, "Accept-Encoding"),
        };
        foreach (var (path, accept, vary) in pages)
        {
            var what = $"{path} (Accept: {accept ?? "none"})";
            var (plain, plainBody) = await RawAsync(server, HttpMethod.Get, path, accept);
            AssertEqual(HttpStatusCode.OK, plain.StatusCode, what);
            AssertEqual("", Header(plain, "Content-Encoding"), $"{what}: no coding asked, none given");
            AssertEqual(vary, Header(plain, "Vary"), $"{what}: Vary of the plain page");
            var plainTag = plain.Headers.ETag!.Tag;
            var tags = new HashSet<string> { plainTag };
            foreach (var (asked, coding) in new[] { ("gzip, deflate", "gzip"), ("gzip, deflate, br, zstd", "br"), ("br;q=0.5, gzip", "gzip") })
            {
                var (packed, packedBody) = await RawAsync(server, HttpMethod.Get, path, accept, asked);
                AssertEqual(coding, Header(packed, "Content-Encoding"), $"{what}, Accept-Encoding {asked}");
                AssertEqual(vary, Header(packed, "Vary"), $"{what} {coding}: Vary");
                AssertEqual((long)packedBody.Length, packed.Content.Headers.ContentLength, $"{what} {coding}: Content-Length is the compressed body's");
                Assert.True(packedBody.Length < plainBody.Length, $"{what} {coding}: {packedBody.Length} bytes, plain {plainBody.Length}");
                Assert.Equal(plainBody, Decode(coding, packedBody));
                AssertEqual(plain.Content.Headers.ContentType?.ToString(), packed.Content.Headers.ContentType?.ToString(), $"{what} {coding}: Content-Type");
                AssertEqual(Header(plain, "X-PyPI-Last-Serial"), Header(packed, "X-PyPI-Last-Serial"), $"{what} {coding}: serial");
                var tag = packed.Headers.ETag!.Tag;
                Assert.NotEqual(plainTag, tag);
                tags.Add(tag);

                // A 304 answers the coding the client holds, with that coding's ETag.
                var (same, sameBody) = await RawAsync(server, HttpMethod.Get, path, accept, asked, tag);
                AssertEqual(HttpStatusCode.NotModified, same.StatusCode, $"{what} {coding}: If-None-Match of its own ETag");
                AssertEqual(tag, same.Headers.ETag?.Tag, $"{what} {coding}: the 304's ETag");
                AssertEqual(vary, Header(same, "Vary"), $"{what} {coding}: the 304's Vary");
                Assert.Empty(sameBody);
                var (weak, _) = await RawAsync(server, HttpMethod.Get, path, accept, asked, "W/" + tag);
                AssertEqual(HttpStatusCode.NotModified, weak.StatusCode, $"{what} {coding}: If-None-Match compares weakly");
                // The compressed ETag does not validate the plain bytes, nor the plain one the compressed.
                var (other, otherBody) = await RawAsync(server, HttpMethod.Get, path, accept, null, tag);
                AssertEqual(HttpStatusCode.OK, other.StatusCode, $"{what}: the {coding} ETag without Accept-Encoding");
                Assert.Equal(plainBody, otherBody);
                var (older, _) = await RawAsync(server, HttpMethod.Get, path, accept, asked, plainTag);
                AssertEqual(HttpStatusCode.OK, older.StatusCode, $"{what}: the plain ETag when asking for {coding}");

                // HEAD: the same headers, the compressed length, no body.
                var (head, headBody) = await RawAsync(server, HttpMethod.Head, path, accept, asked);
                AssertEqual(HttpStatusCode.OK, head.StatusCode, $"{what} HEAD {coding}");
                AssertEqual(coding, Header(head, "Content-Encoding"), $"{what} HEAD {coding}: Content-Encoding");
                AssertEqual((long)packedBody.Length, head.Content.Headers.ContentLength, $"{what} HEAD {coding}: Content-Length");
                AssertEqual(tag, head.Headers.ETag?.Tag, $"{what} HEAD {coding}: ETag");
                Assert.Empty(headBody);
            }
            AssertEqual(3, tags.Count, $"{what}: one ETag per coding");

            // What a client that decodes for itself (HttpClient, curl --compressed) ends up with.
            using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All };
            using var decoding = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl + "/") };
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
            using var decoded = await decoding.SendAsync(request);
            Assert.Equal(plainBody, await decoded.Content.ReadAsByteArrayAsync());

            // Codings not offered, or refused, give the plain page.
            foreach (var refused in new[] { "deflate", "zstd", "gzip;q=0, br;q=0", "identity" })
            {
                var (r, body) = await RawAsync(server, HttpMethod.Get, path, accept, refused);
                AssertEqual("", Header(r, "Content-Encoding"), $"{what}, Accept-Encoding {refused}");
                AssertEqual(plainTag, r.Headers.ETag?.Tag, $"{what}, Accept-Encoding {refused}: ETag");
                Assert.Equal(plainBody, body);
            }
        }
    }

    // Compression is HTTP, above the database: one is enough.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task Pip_asks_for_gzip_and_installs_from_the_compressed_pages(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedTokenAsync(server);
        var alpha = await BuildAsync("cheese-alpha", "1.0", $"-gz{db}".ToLowerInvariant());
        await UploadAsync(server, token, alpha);
        using var venv = await NewVenvAsync();
        var asks = Logged(await ProcessRunner.RunAsync(venv.Python, ["-c", "from pip._vendor.requests.utils import default_headers; print(default_headers()['Accept-Encoding'])"]));
        AssertSucceeded(asks, "pip's default headers");
        Assert.Contains("gzip", asks.Stdout);
        var project = $"cheese-alpha-gz{db}".ToLowerInvariant();
        var (page, body) = await RawAsync(server, HttpMethod.Get, $"simple/{project}/", PipAccept, asks.Stdout.Trim());
        AssertEqual("gzip", Header(page, "Content-Encoding"), "what pip's Accept-Encoding gets");
        AssertSucceeded(await PipInstallAsync(venv, server, project), "pip install");
        AssertEqual("1.0", await InstalledVersionAsync(venv, project), "installed version");
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_small_cache_stays_under_its_limit_and_serves_every_project_right_through_evictions(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Cache__MaxMegabytes"] = "1",
            // The journal watcher drops the pages of every project it reads of in the journal, this node's
            // uploads included: polling once a minute keeps it from emptying the cache while the test counts.
            ["CHEESESHOP_JournalPollMilliseconds"] = "60000",
        });
        Watch(server);
        var cache = server.AppServices.GetRequiredService<PageCache>();
        AssertEqual(1024L * 1024, cache.MaxBytes, "Cache__MaxMegabytes=1");
        var token = await SharedTokenAsync(server);
        // Ten projects whose JSON API page is about 150 KB (a long description that compresses little):
        // with their compressed forms, a few fill the limit.
        var random = new Random(16);
        var projects = Enumerable.Range(0, 10).Select(i =>
        {
            var noise = new byte[112_000];
            random.NextBytes(noise);
            return (Name: $"bulky-{db}-{i}".ToLowerInvariant(), Description: Convert.ToBase64String(noise));
        }).ToList();
        foreach (var (name, description) in projects)
        {
            // The release's metadata comes from the form, as twine sends it.
            using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/")
            {
                Content = UploadForm(name, "1.0", WheelName(name, "1.0"), Wheel(name, "1.0"),
                    overrides: new Dictionary<string, string> { ["description"] = description }),
            };
            request.Headers.Authorization = Token(token);
            using var up = await server.Http.SendAsync(request);
            AssertEqual(HttpStatusCode.OK, up.StatusCode, $"upload {name}");
        }
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (name, description) in projects)
            {
                var (plain, plainBody) = await RawAsync(server, HttpMethod.Get, $"pypi/{name}/json");
                AssertEqual(HttpStatusCode.OK, plain.StatusCode, $"pass {pass}: {name}");
                var info = JsonDocument.Parse(plainBody).RootElement.GetProperty("info");
                AssertEqual(name, info.GetProperty("name").GetString(), $"pass {pass}: the page of {name}");
                // (Compared as a flag: a failure message with 150 KB of text helps nobody.)
                AssertEqual(true, info.GetProperty("description").GetString() == description, $"pass {pass}: {name}'s description is its own");
                foreach (var coding in new[] { "gzip", "br" })
                {
                    var (packed, packedBody) = await RawAsync(server, HttpMethod.Get, $"pypi/{name}/json", acceptEncoding: coding);
                    AssertEqual(coding, Header(packed, "Content-Encoding"), $"pass {pass}: {name} {coding}");
                    Assert.Equal(plainBody, Decode(coding, packedBody));
                    Assert.InRange(cache.Bytes, 0, cache.MaxBytes);
                }
                var (simple, simpleBody) = await RawAsync(server, HttpMethod.Get, $"simple/{name}/", acceptEncoding: "gzip");
                Assert.Contains(WheelName(name, "1.0"), System.Text.Encoding.UTF8.GetString(Decode("gzip", simpleBody)));
                Assert.InRange(cache.Bytes, 0, cache.MaxBytes);
            }
        }
        // The limit made room by evicting: not every project's pages are still there.
        // (The JSON API's variant is the origin its URLs start with.)
        var kept = projects.Count(p => cache.TryGet(p.Name, server.BaseUrl, out _));
        Assert.InRange(kept, 1, projects.Count - 1);

        // Past a quarter of the limit pages enter in their gzip form alone. Such a page answers a client that asks for
        // no coding with bytes inflated for that response: the same bytes as the gzip form's, its length in a HEAD,
        // and a 304 for its tag; and it still holds only the gzip form afterwards.
        var demoted = projects.Where(p => cache.TryGet(p.Name, server.BaseUrl, out var page) && !page.HoldsPlain).ToList();
        Assert.NotEmpty(demoted);
        var name0 = demoted[0].Name;
        var (gz, gzBody) = await RawAsync(server, HttpMethod.Get, $"pypi/{name0}/json", acceptEncoding: "gzip");
        var (plainAgain, plainAgainBody) = await RawAsync(server, HttpMethod.Get, $"pypi/{name0}/json");
        AssertEqual(HttpStatusCode.OK, plainAgain.StatusCode, "plain GET of a page held in gzip only");
        Assert.Empty(plainAgain.Content.Headers.ContentEncoding);
        Assert.Equal(Decode("gzip", gzBody), plainAgainBody);
        var tag = plainAgain.Headers.ETag!.Tag;
        AssertEqual(gz.Headers.ETag!.Tag, tag[..^1] + "-gzip\"", "the gzip form's tag is the plain one's with -gzip");
        var (head, _) = await RawAsync(server, HttpMethod.Head, $"pypi/{name0}/json");
        AssertEqual((long?)plainAgainBody.Length, head.Content.Headers.ContentLength, "HEAD's Content-Length");
        var (notModified, _) = await RawAsync(server, HttpMethod.Get, $"pypi/{name0}/json", ifNoneMatch: tag);
        AssertEqual(HttpStatusCode.NotModified, notModified.StatusCode, "If-None-Match with the plain tag");
        Assert.True(cache.TryGet(name0, server.BaseUrl, out var stillCompressed) && !stillCompressed.HoldsPlain);
    }
}
