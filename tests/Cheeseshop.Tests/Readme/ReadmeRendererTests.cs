using Cheeseshop.Readme;

namespace Cheeseshop.Tests.Readme;

/// <summary>The README pipeline (renderer, then sanitizer) as a table: what each content type gives,
/// and what hostile markup is left of.</summary>
public sealed class ReadmeRendererTests
{
    [Theory]
    // Markdown: CommonMark, GitHub tables, fenced code, autolinks.
    [InlineData("text/markdown", "# Title\n\nSome *text*.", "<h1>Title</h1>\n<p>Some <em>text</em>.</p>\n")]
    [InlineData("text/markdown; charset=UTF-8; variant=GFM", "a | b\n--|--\n1 | 2", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n")]
    [InlineData("text/markdown", "```python\nprint('<x>')\n```", "<pre><code>print('&lt;x&gt;')\n</code></pre>\n")]
    [InlineData("text/markdown", "see https://example.org", "<p>see <a href=\"https://example.org\" rel=\"nofollow\">https://example.org</a></p>\n")]
    [InlineData("text/markdown", "[docs](https://d.example/ \"Docs\")", "<p><a href=\"https://d.example/\" title=\"Docs\" rel=\"nofollow\">docs</a></p>\n")]
    // reStructuredText, also when no type is given (the metadata default).
    [InlineData("text/x-rst", "Title\n=====\n\n**bold**", "<h1>Title</h1>\n<p><strong>bold</strong></p>\n")]
    [InlineData(null, "`x <https://e.example/>`_", "<p><a href=\"https://e.example/\" rel=\"nofollow\">x</a></p>\n")]
    // Plain text and unknown types: preformatted.
    [InlineData("text/plain", "a <b>\n  c", "<pre>a &lt;b&gt;\n  c</pre>")]
    [InlineData("application/x-unknown", "*not markdown*", "<pre>*not markdown*</pre>")]
    [InlineData("text/markdown", "  \n", "")]
    public void Renders_by_content_type(string? contentType, string source, string expected) =>
        Assert.Equal(expected, ReadmeRenderer.Render(source, contentType));

    [Theory]
    [InlineData("<script>alert(1)</script>after", "after")]
    [InlineData("<img src=\"x.png\" onerror=\"alert(1)\">", "<img src=\"x.png\">")]
    [InlineData("[x](javascript:alert(1))", "<p><a>x</a></p>")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<p><a>x</a></p>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "<p><a>x</a></p>")]
    [InlineData("<iframe src=\"https://evil.example/\"></iframe>text", "text")]
    [InlineData("<style>body{display:none}</style>text", "text")]
    [InlineData("<form action=\"https://evil.example/\"><input name=a><button>go</button></form>", "go")]
    [InlineData("<p style=\"position:fixed\" class=\"skip\" id=\"install\">x</p>", "<p>x</p>")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\">", "<p></p>")]
    [InlineData("<svg><script>alert(1)</script></svg>t", "<p>t</p>")]
    [InlineData("<a href=\"https://e.example/\" target=\"_blank\" rel=\"opener\">x</a>", "<p><a href=\"https://e.example/\" rel=\"nofollow\">x</a></p>")]
    [InlineData("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">", "")]
    public void Hostile_markdown_loses_its_code_and_keeps_its_text(string source, string expected) =>
        Assert.Equal(expected, ReadmeRenderer.Render(source, "text/markdown").Trim());
}
