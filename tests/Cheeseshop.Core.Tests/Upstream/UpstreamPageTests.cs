using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;

namespace Cheeseshop.Core.Tests.Upstream;

/// <summary>Reading upstream pages in both Simple API forms, rendering proxied pages, and the proxy's rules of trust.</summary>
public class UpstreamPageTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static readonly Uri Page = new("https://up.example/simple/cheese/");

    [Fact]
    public void Html_pages_give_files_with_digests_yanks_requires_python_and_metadata()
    {
        var html = $"""
            <!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
            <a href="../../packages/cheese-1.0.tar.gz#sha256={A}" data-requires-python="&gt;=3.8">cheese-1.0.tar.gz</a><br/>
            <a href='https://files.example/cheese-1.0-py3-none-any.whl#sha256={B.ToUpperInvariant()}' data-yanked="" data-core-metadata="sha256={A}">cheese-1.0-py3-none-any.whl</a>
            <a href="/x/cheese-0.9.tar.gz" data-yanked="broken build">cheese-0.9.tar.gz</a>
            <a href="/x/evil.tar.gz#sha256={A}">../evil.tar.gz</a>
            <a href="javascript:alert(1)#sha256={A}">cheese-0.8.tar.gz</a>
            <a href="/x/cheese-0.7.tar.gz#md5=0123">cheese-0.7.tar.gz</a>
            </body></html>
            """;
        var page = UpstreamPageParser.Parse("cheese", "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), Page);
        Assert.Equal(2, page.Files.Count);
        var sdist = page.Files[0];
        Assert.Equal(("cheese-1.0.tar.gz", "https://up.example/packages/cheese-1.0.tar.gz", A, ">=3.8", false, (string?)null),
            (sdist.Filename, sdist.Url.AbsoluteUri, sdist.Sha256, sdist.RequiresPython, sdist.Yanked, sdist.MetadataSha256));
        var wheel = page.Files[1];
        Assert.Equal(("https://files.example/cheese-1.0-py3-none-any.whl", B, true, (string?)null, A),
            (wheel.Url.AbsoluteUri, wheel.Sha256, wheel.Yanked, wheel.YankedReason, wheel.MetadataSha256));
    }

    [Fact]
    public void Json_pages_give_sizes_times_reasons_and_the_serial()
    {
        var json = $$$"""
            {"meta":{"api-version":"1.1","_last-serial":42},"name":"cheese","versions":["1.0"],"files":[
             {"filename":"cheese-1.0.tar.gz","url":"cheese-1.0.tar.gz","hashes":{"sha256":"{{{A}}}"},"size":10,"upload-time":"2026-01-02T03:04:05Z","yanked":"bad","requires-python":">=3.9"},
             {"filename":"cheese-1.0-py3-none-any.whl","url":"https://files.example/w.whl","hashes":{"sha256":"{{{B}}}"},"dist-info-metadata":{"sha256":"{{{A}}}"},"yanked":false},
             {"filename":"cheese-0.1.tar.gz","url":"x","hashes":{}}
            ]}
            """;
        var page = UpstreamPageParser.Parse("cheese", "application/vnd.pypi.simple.v1+json", Encoding.UTF8.GetBytes(json), Page);
        Assert.Equal(42, page.Serial);
        Assert.Equal(2, page.Files.Count);
        Assert.Equal(("https://up.example/simple/cheese/cheese-1.0.tar.gz", 10L, "2026-01-02T03:04:05Z", true, "bad", ">=3.9"),
            (page.Files[0].Url.AbsoluteUri, page.Files[0].Size, page.Files[0].UploadTime, page.Files[0].Yanked, page.Files[0].YankedReason, page.Files[0].RequiresPython));
        Assert.Equal((A, false, (long?)null), (page.Files[1].MetadataSha256, page.Files[1].Yanked, page.Files[1].Size));
    }

    [Theory]
    [InlineData("application/octet-stream", "[]", "not a Simple API page")]
    [InlineData(null, "<html></html>", "no content type")]
    [InlineData("application/vnd.pypi.simple.v1+json", "{not json", "not valid JSON")]
    [InlineData("application/vnd.pypi.simple.v1+json", "{\"meta\":{}}", "no 'files' list")]
    public void Garbage_is_refused_with_a_reason(string? contentType, string body, string reason)
    {
        var e = Assert.Throws<UpstreamPageException>(() => UpstreamPageParser.Parse("cheese", contentType, Encoding.UTF8.GetBytes(body), Page));
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("cheese", "cheese-1.0-py3-none-any.whl", "1.0")]
    [InlineData("cheese", "cheese-2.0rc1-1-cp312-cp312-manylinux_2_17_x86_64.whl", "2.0rc1")]
    [InlineData("cheese-shop", "cheese_shop-1.2.3.tar.gz", "1.2.3")]
    [InlineData("cheese-shop", "Cheese.Shop-0.1.zip", "0.1")]
    [InlineData("cheese-shop", "cheese-shop-1.0-extra.tar.gz", null)]
    [InlineData("cheese", "cheese-1.0.exe", null)]
    [InlineData("cheese", "brie-1.0.tar.gz", null)]
    public void Versions_come_from_filenames(string project, string filename, string? version) =>
        Assert.Equal(version, SimpleDetailPage.VersionOf(project, filename)?.ToString());

    [Theory]
    [InlineData("https://up.example/simple/x/", "https://files.example/x.whl", true)]
    [InlineData("http://up.example/simple/x/", "http://up.example/other/x/", true)]
    [InlineData("http://up.example/simple/x/", "http://up.example:8080/x/", false)]
    [InlineData("http://up.example/simple/x/", "http://10.0.0.1/x/", false)]
    [InlineData("https://up.example/simple/x/", "http://up.example/simple/x/", false)]
    [InlineData("https://up.example/simple/x/", "file:///etc/passwd", false)]
    public void Redirects_go_only_to_https_or_the_same_host(string from, string to, bool follow) =>
        Assert.Equal(follow, UpstreamRules.MayFollow(new Uri(from), new Uri(to)));

    [Fact]
    public void Proxied_pages_keep_yanks_per_file_and_declare_tracks()
    {
        var files = new[]
        {
            new PageFile("cheese-1.0.tar.gz", "/packages/upstream/cheese/" + A + "/cheese-1.0.tar.gz", A, ">=3.8", true, "oops", 10, null, null),
            new PageFile("cheese-1.0-py3-none-any.whl", "/packages/x/cheese-1.0-py3-none-any.whl", B, null, false, null, null, "2026-01-02T03:04:05Z", A),
        };
        var tracks = new[] { "https://up.example/simple/cheese/" };
        var html = Encoding.UTF8.GetString(SimpleDetailPage.Html("cheese", files, 7, tracks));
        Assert.Contains("<meta name=\"pypi:tracks\" content=\"https://up.example/simple/cheese/\">", html);
        Assert.Contains($"<a href=\"/packages/upstream/cheese/{A}/cheese-1.0.tar.gz#sha256={A}\" data-requires-python=\"&gt;=3.8\" data-yanked=\"oops\" >cheese-1.0.tar.gz</a><br />", html);
        Assert.Contains($"data-core-metadata=\"sha256={A}\">cheese-1.0-py3-none-any.whl</a>", html);
        Assert.EndsWith("<!--SERIAL 7-->", html);
        Assert.DoesNotContain("pypi:tracks", Encoding.UTF8.GetString(SimpleDetailPage.Html("cheese", files, 7, [])));

        using var json = JsonDocument.Parse(SimpleDetailPage.Json("cheese", files, 7, tracks));
        var root = json.RootElement;
        Assert.Equal("https://up.example/simple/cheese/", root.GetProperty("meta").GetProperty("tracks")[0].GetString());
        Assert.Equal("oops", root.GetProperty("files")[0].GetProperty("yanked").GetString());
        Assert.False(root.GetProperty("files")[1].GetProperty("yanked").GetBoolean());
        Assert.False(root.GetProperty("files")[1].TryGetProperty("size", out _));
        Assert.Equal(10, root.GetProperty("files")[0].GetProperty("size").GetInt64());
        Assert.Equal(["1.0"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.False(JsonDocument.Parse(SimpleDetailPage.Json("cheese", files, 7, [])).RootElement.GetProperty("meta").TryGetProperty("tracks", out _));
    }
}
