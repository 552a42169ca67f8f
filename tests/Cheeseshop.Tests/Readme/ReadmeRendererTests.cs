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
    // ...its tables and nested lists keep their elements and attributes through the sanitizer.
    [InlineData("text/x-rst", "=====  =====\nA      B\n=====  =====\n1      2\n=====  =====\n\n3. three\n\n   a) x\n   b) y",
        "<table>\n<colgroup>\n<col width=\"50%\">\n<col width=\"50%\">\n</colgroup>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n"
        + "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n<ol start=\"3\">\n<li>three<ol type=\"a\">\n<li>x</li>\n<li>y</li>\n</ol>\n</li>\n</ol>\n")]
    [InlineData("text/x-rst", "+-----+-----+\n| wide      |\n+-----+-----+\n| a   | b   |\n|     +-----+\n|     | c   |\n+-----+-----+",
        "<table>\n<colgroup>\n<col width=\"50%\">\n<col width=\"50%\">\n</colgroup>\n<tbody>\n<tr>\n<td colspan=\"2\">wide</td>\n</tr>\n"
        + "<tr>\n<td rowspan=\"2\">a</td>\n<td>b</td>\n</tr>\n<tr>\n<td>c</td>\n</tr>\n</tbody>\n</table>\n")]
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

    [Theory]
    // (content type, levels of nesting written, block quotes rendered, the rest shown as source)
    [InlineData("text/markdown", 3, 3, false)]
    [InlineData("text/markdown", 100, 100, false)]
    [InlineData("text/markdown", 100_000, 0, true)] // past Markdig's depth limit: the whole README as source
    [InlineData("text/x-rst", 3, 3, false)]
    [InlineData("text/x-rst", 600, 16, true)]      // past the limit: the deeper part as source
    public void Deep_nesting_is_bounded_and_keeps_its_text(string contentType, int levels, int quotes, bool preformatted)
    {
        var source = contentType == "text/markdown"
            ? string.Concat(Enumerable.Repeat("> ", levels)) + "deep"
            : string.Join("\n\n", Enumerable.Range(0, levels + 1).Select(i => new string(' ', i) + (i == levels ? "deep" : "level" + i)));
        var html = ReadmeRenderer.Render(source, contentType);
        Assert.Equal(quotes, (html.Length - html.Replace("<blockquote>", "").Length) / "<blockquote>".Length);
        Assert.Equal(preformatted, html.Contains("<pre>"));
        Assert.Contains("deep", html);
    }

    [Theory]
    // (content type, characters beyond the limit; a description over the limit is shown as its source, encoded)
    [InlineData("text/markdown", 0, "<h1>Big</h1>")]
    [InlineData("text/markdown", 1, "<pre># Big\n")]
    [InlineData("text/x-rst", 0, "<h1>Big &lt;b&gt;</h1>")]
    [InlineData("text/x-rst", 1, "<pre>Big &lt;b&gt;")]
    [InlineData(null, 1, "<pre>Big &lt;b&gt;")]
    public void A_description_over_the_limit_is_preformatted_without_parsing(string? contentType, int over, string starts)
    {
        var head = contentType == "text/markdown" ? "# Big\n\n" : "Big <b>\n=========\n\n";
        var source = head + new string('x', ReadmeRenderer.MaxParsedLength - head.Length + over);
        var html = ReadmeRenderer.Render(source, contentType);
        Assert.StartsWith(starts, html);
        if (over > 0) Assert.EndsWith("x</pre>", html);
    }
}
