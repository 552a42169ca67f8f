using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Browse;

/// <summary>Requests as a browser makes them (no redirects followed), and projects published for the page tests.</summary>
public static class PageClient
{
    public static async Task<HttpResponseMessage> GetAsync(CheeseshopServer server, string path, string? ifNoneMatch = null,
        System.Net.Http.Headers.AuthenticationHeaderValue? auth = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl + "/") };
        var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        if (auth is not null) request.Headers.Authorization = auth;
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public static async Task<string> TextAsync(CheeseshopServer server, string path)
    {
        using var response = await GetAsync(server, path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}\n{body}");
        return body;
    }

    /// <summary>A Markdown README with a table, fenced code and a link, and the sidebar's metadata.</summary>
    public static string RichMetadata(string name, string version, string readme, string contentType = "text/markdown") =>
        "Metadata-Version: 2.1\n" +
        $"Name: {name}\nVersion: {version}\nSummary: Cheese for {name} & friends\n" +
        "License: MIT\nKeywords: cheese,dairy,wheels\nRequires-Python: >=3.8\nAuthor: A. Cheesemaker\n" +
        "Author-email: private@example.com\n" +
        "Classifier: Framework :: Django\nClassifier: Programming Language :: Python :: 3\n" +
        "Project-URL: Source, https://code.example/cheese\nProject-URL: Bad, javascript:alert(1)\n" +
        $"Description-Content-Type: {contentType}\n\n" + readme;

    public const string MarkdownReadme =
        "# Cheese\n\nA *fine* package for `wheels`.\n\n## Usage\n\n| flavour | age |\n|---|---|\n| gouda | 12 |\n\n" +
        "```python\nimport cheese\n```\n\nSee [the docs](https://docs.example/cheese).\n";

    /// <summary>Uploads a wheel with <paramref name="metadata"/>, with the form fields twine would send for it; returns its bytes.</summary>
    public static async Task<byte[]> PublishAsync(CheeseshopServer server, string token, string project, string version, string metadata)
    {
        var wheel = Wheel(project, version, metadata);
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = TwineForm(metadata, WheelName(project, version), wheel) };
        request.Headers.Authorization = Token(token);
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload {project} {version}: {(int)response.StatusCode} {response.ReasonPhrase}");
        return wheel;
    }

    private static readonly Dictionary<string, string> FormNames = new()
    {
        ["Metadata-Version"] = "metadata_version", ["Name"] = "name", ["Version"] = "version", ["Summary"] = "summary",
        ["License"] = "license", ["Keywords"] = "keywords", ["Requires-Python"] = "requires_python", ["Author"] = "author",
        ["Author-email"] = "author_email", ["Classifier"] = "classifiers", ["Project-URL"] = "project_urls",
        ["Description-Content-Type"] = "description_content_type",
    };

    /// <summary>The upload form twine builds from a wheel's METADATA: each header as its form field, the body as the description.</summary>
    private static MultipartFormDataContent TwineForm(string metadata, string filename, byte[] wheel)
    {
        var split = metadata.IndexOf("\n\n", StringComparison.Ordinal);
        var form = new MultipartFormDataContent();
        void Add(string k, string v) => form.Add(new StringContent(v), k);
        Add(":action", "file_upload");
        Add("protocol_version", "1");
        Add("filetype", "bdist_wheel");
        Add("pyversion", "py3");
        foreach (var line in metadata[..split].Split('\n'))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && FormNames.TryGetValue(line[..colon], out var field)) Add(field, line[(colon + 2)..]);
        }
        Add("description", metadata[(split + 2)..]);
        Add("md5_digest", Md5(wheel));
        Add("sha256_digest", Sha256(wheel));
        var file = new ByteArrayContent(wheel);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "content", filename);
        return form;
    }

    public static string Hex(byte[] digest) => Convert.ToHexStringLower(digest);
    public static string Md5(byte[] b) => Hex(MD5.HashData(b));
    public static string Sha256(byte[] b) => Hex(SHA256.HashData(b));

    public static string Blake2b256(byte[] b) => Hex(NSec.Cryptography.HashAlgorithm.Blake2b_256.Hash(b));

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
