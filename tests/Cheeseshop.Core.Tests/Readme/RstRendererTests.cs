using Cheeseshop.Core.Readme;

namespace Cheeseshop.Core.Tests.Readme;

/// <summary>reStructuredText as READMEs write it, and the HTML it gives. "|" in the source stands for a
/// line break, so each case fits on one line.</summary>
public sealed class RstRendererTests
{
    [Theory]
    // Titles: underlined, over- and underlined; levels in the order styles first appear.
    [InlineData("Title|=====", "<h1>Title</h1>")]
    [InlineData("=====|Title|=====||Part|----||Other|=====", "<h1>Title</h1>|<h2>Part</h2>|<h3>Other</h3>")]
    [InlineData("A|====||B|----||C|====", "<h1>A</h1>|<h2>B</h2>|<h1>C</h1>")]
    [InlineData("Too long a title|===", "<p>Too long a title\n===</p>")] // underline too short (and under four) is text
    // Paragraphs keep their line breaks inside; blank lines separate them.
    [InlineData("one|two||three", "<p>one\ntwo</p>|<p>three</p>")]
    // Inline markup.
    [InlineData("*em* and **strong** and ``code``", "<p><em>em</em> and <strong>strong</strong> and <code>code</code></p>")]
    [InlineData("a ``<b>`` b", "<p>a <code>&lt;b&gt;</code> b</p>")]
    [InlineData("2 * 3 * 4", "<p>2 * 3 * 4</p>")]
    [InlineData("`Docs <https://example.org/docs>`_", "<p><a href=\"https://example.org/docs\">Docs</a></p>")]
    [InlineData("`<https://example.org/>`__", "<p><a href=\"https://example.org/\">https://example.org/</a></p>")]
    [InlineData("see https://example.org/x.", "<p>see <a href=\"https://example.org/x\">https://example.org/x</a>.</p>")]
    [InlineData("`the docs`_ and pypi_||.. _the docs: https://d.example/|.. _pypi: https://pypi.org/",
        "<p><a href=\"https://d.example/\">the docs</a> and <a href=\"https://pypi.org/\">pypi</a></p>")]
    [InlineData("`unknown`_ stays", "<p>unknown stays</p>")]
    [InlineData("`role`", "<p><cite>role</cite></p>")]
    // Lists.
    [InlineData("- one|- two|  more||- three", "<ul>|<li>one</li>|<li>two\nmore</li>|<li>three</li>|</ul>")]
    [InlineData("* a|+ b", "<ul>|<li>a</li>|</ul>|<ul>|<li>b</li>|</ul>")]
    [InlineData("1. one|2. two", "<ol>|<li>one</li>|<li>two</li>|</ol>")]
    [InlineData("#. one|#. two", "<ol>|<li>one</li>|<li>two</li>|</ol>")]
    [InlineData("(a) one", "<ol>|<li>one</li>|</ol>")]
    // Literal blocks: "::" ends the paragraph as ":", " ::" disappears, "::" alone is no paragraph.
    [InlineData("Example::||    pip install x|    <b>||after", "<p>Example:</p>|<pre>pip install x\n&lt;b&gt;</pre>|<p>after</p>")]
    [InlineData("Example ::||  a", "<p>Example</p>|<pre>a</pre>")]
    [InlineData("::||  a|    b", "<pre>a\n  b</pre>")]
    [InlineData(".. code-block:: python|   :linenos:||   print('<hi>')", "<pre>print(&#39;&lt;hi&gt;&#39;)</pre>")]
    [InlineData(".. code:: bash||   ls", "<pre>ls</pre>")]
    // Block quotes.
    [InlineData("text||   quoted", "<p>text</p>|<blockquote>|<p>quoted</p>|</blockquote>")]
    // Comments, targets and images are dropped; images would fetch from elsewhere.
    [InlineData(".. a comment|   still comment||text", "<p>text</p>")]
    [InlineData(".. image:: https://img.example/badge.svg|   :target: https://x.example/||text", "<p>text</p>")]
    // What is not understood is shown as source text, encoded.
    [InlineData(".. raw:: html||   <script>alert(1)</script>", "<pre>.. raw:: html\n   &lt;script&gt;alert(1)&lt;/script&gt;</pre>")]
    [InlineData("=====  =====|a      b|=====  =====", "<pre>=====  =====\na      b\n=====  =====</pre>")]
    [InlineData("+---+---+|+ a + b +|+---+---+", "<pre>+---+---+\n+ a + b +\n+---+---+</pre>")]
    [InlineData(":field: value", "<pre>:field: value</pre>")]
    public void Renders(string source, string expected) =>
        Assert.Equal(expected.Replace("|", "\n") + "\n", RstRenderer.ToHtml(source.Replace("||", "\n\n").Replace("|", "\n")));

    [Theory]
    // Raw HTML in the text is text.
    [InlineData("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")]
    [InlineData("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>")]
    // Links with another scheme keep only their text.
    [InlineData("`click <javascript:alert(1)>`_", "<p>click</p>")]
    [InlineData("`click <JaVaScRiPt:alert(1)>`_", "<p>click</p>")]
    [InlineData("`x <data:text/html,<b>>`_", "<p>x &lt;data:text/html,&lt;b&gt;&gt;</p>")]
    [InlineData("`x <vbscript:msgbox>`_", "<p>x</p>")]
    [InlineData("`click`_||.. _click: javascript:alert(1)", "<p>click</p>")]
    [InlineData("`quote <https://e.example/\"onmouseover=\"x>`_", "<p><a href=\"https://e.example/&quot;onmouseover=&quot;x\">quote</a></p>")]
    [InlineData("`rel <docs/index.html>`_", "<p><a href=\"docs/index.html\">rel</a></p>")]
    public void Never_emits_markup_or_unsafe_links_from_the_source(string source, string expected) =>
        Assert.Equal(expected.Replace("|", "\n") + "\n", RstRenderer.ToHtml(source.Replace("||", "\n\n").Replace("|", "\n")));

    [Fact]
    public void Empty_and_blank_sources_give_nothing() =>
        Assert.Equal("", RstRenderer.ToHtml("\n \n\t\n"));

    [Theory]
    // (paragraphs, each indented one space more than the one before; block quotes rendered; source shown preformatted)
    [InlineData(3, 2, false)]
    [InlineData(17, 16, false)] // exactly as deep as the limit
    [InlineData(18, 16, true)]
    [InlineData(3000, 16, true)]
    public void Block_quotes_nest_only_as_deep_as_the_limit(int paragraphs, int quotes, bool preformatted)
    {
        var source = string.Join("\n\n", Enumerable.Range(0, paragraphs).Select(i => new string(' ', i) + "level" + i));
        var html = RstRenderer.ToHtml(source);
        Assert.Equal(quotes, CountOf(html, "<blockquote>"));
        Assert.Equal(quotes, CountOf(html, "</blockquote>"));
        Assert.Equal(preformatted ? 1 : 0, CountOf(html, "<pre>"));
        Assert.Contains($"level{paragraphs - 1}", html); // nothing is lost, however deep
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
