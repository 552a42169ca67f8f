using System.Diagnostics;
using System.Text.RegularExpressions;
using Cheeseshop.Core.Readme;

namespace Cheeseshop.Core.Tests.Readme;

/// <summary>reStructuredText as READMEs write it, and the HTML it gives. "|" (in tables "¶") stands for a
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
    [InlineData("(a) one", "<ol type=\"a\">|<li>one</li>|</ol>")]
    [InlineData("3. three|4. four", "<ol start=\"3\">|<li>three</li>|<li>four</li>|</ol>")]
    [InlineData("i. one|ii. two", "<ol type=\"i\">|<li>one</li>|<li>two</li>|</ol>")]
    [InlineData("(iv) four|(v) five", "<ol type=\"i\" start=\"4\">|<li>four</li>|<li>five</li>|</ol>")]
    [InlineData("A. one|B. two", "<ol type=\"A\">|<li>one</li>|<li>two</li>|</ol>")]
    [InlineData("h. one|i. two", "<ol type=\"a\" start=\"8\">|<li>one</li>|<li>two</li>|</ol>")] // "i" goes on an alphabetic list
    [InlineData("1. one|#. two", "<ol>|<li>one</li>|<li>two</li>|</ol>")]
    [InlineData("1. one|3. three", "<p>1. one\n3. three</p>")] // not the next number: a paragraph, as in docutils
    [InlineData("2020. A year|it was", "<p>2020. A year\nit was</p>")]
    [InlineData("1. one||a) other", "<ol>|<li>one</li>|</ol>|<ol type=\"a\">|<li>other</li>|</ol>")]
    // Nested lists: a list inside an item, after a blank line; a list of single paragraphs is compact.
    [InlineData("- one||  - a|  - b||- two", "<ul>|<li>one<ul>|<li>a</li>|<li>b</li>|</ul>|</li>|<li>two</li>|</ul>")]
    [InlineData("1. one||   a) x|   b) y||2. two", "<ol>|<li>one<ol type=\"a\">|<li>x</li>|<li>y</li>|</ol>|</li>|<li>two</li>|</ol>")]
    [InlineData("- a||  - b||    - c", "<ul>|<li>a<ul>|<li>b<ul>|<li>c</li>|</ul>|</li>|</ul>|</li>|</ul>")]
    [InlineData("- one|  - a", "<ul>|<li>one\n- a</li>|</ul>")] // no blank line: the paragraph goes on, as in docutils
    // Items of several paragraphs (or other blocks) make the list open: every paragraph has its "p".
    [InlineData("- first||  second|- two", "<ul>|<li><p>first</p>|<p>second</p>|</li>|<li><p>two</p>|</li>|</ul>")]
    [InlineData("- run::||      pip install x||- done", "<ul>|<li><p>run:</p>|<pre>pip install x</pre>|</li>|<li><p>done</p>|</li>|</ul>")]
    // Definition lists.
    [InlineData("term|  definition||other|  one||  two", "<dl>|<dt>term</dt>|<dd>definition</dd>|<dt>other</dt>|<dd><p>one</p>|<p>two</p>|</dd>|</dl>")]
    [InlineData("*term*|  - a|  - b", "<dl>|<dt><em>term</em></dt>|<dd><ul>|<li>a</li>|<li>b</li>|</ul>|</dd>|</dl>")]
    // Literal blocks: "::" ends the paragraph as ":", " ::" disappears, "::" alone is no paragraph.
    [InlineData("Example::||    pip install x|    <b>||after", "<p>Example:</p>|<pre>pip install x\n&lt;b&gt;</pre>|<p>after</p>")]
    [InlineData("Example ::||  a", "<p>Example</p>|<pre>a</pre>")]
    [InlineData("::||  a|    b", "<pre>a\n  b</pre>")]
    [InlineData(".. code-block:: python|   :linenos:||   print('<hi>')", "<pre>print(&#39;&lt;hi&gt;&#39;)</pre>")]
    [InlineData(".. code:: bash||   ls", "<pre>ls</pre>")]
    [InlineData(">>> print('<x>')|<x>|  indented||after", "<pre>&gt;&gt;&gt; print(&#39;&lt;x&gt;&#39;)\n&lt;x&gt;\n  indented</pre>|<p>after</p>")] // a doctest block
    // Block quotes.
    [InlineData("text||   quoted", "<p>text</p>|<blockquote>|<p>quoted</p>|</blockquote>")]
    // Comments, targets and images are dropped; images would fetch from elsewhere.
    [InlineData(".. a comment|   still comment||text", "<p>text</p>")]
    [InlineData(".. image:: https://img.example/badge.svg|   :target: https://x.example/||text", "<p>text</p>")]
    // What is not understood is shown as source text, encoded.
    [InlineData(".. raw:: html||   <script>alert(1)</script>", "<pre>.. raw:: html\n   &lt;script&gt;alert(1)&lt;/script&gt;</pre>")]
    [InlineData(":field: value", "<pre>:field: value</pre>")]
    [InlineData(":ref:`x` starts a sentence|- :ref:`y` too", "<p>:ref:<cite>x</cite> starts a sentence\n- :ref:<cite>y</cite> too</p>")] // a role is no field
    [InlineData("- :ref:`y` in an item", "<ul>|<li>:ref:<cite>y</cite> in an item</li>|</ul>")]
    public void Renders(string source, string expected) =>
        Assert.Equal(expected.Replace("|", "\n") + "\n", RstRenderer.ToHtml(source.Replace("||", "\n\n").Replace("|", "\n")));

    private const string Table = "<table>¶<thead>¶<tr>¶<th>A</th>¶<th>B</th>¶</tr>¶</thead>¶<tbody>¶<tr>¶<td>1</td>¶<td><em>x</em></td>¶</tr>¶<tr>¶<td>2</td>¶<td>3</td>¶</tr>¶</tbody>¶</table>";

    [Theory]
    // Grid tables: "+===+" under the header; cells get the inline markup.
    [InlineData("+-----+-----+¶| A   | B   |¶+=====+=====+¶| 1   | *x* |¶+-----+-----+¶| 2   | 3   |¶+-----+-----+", Table)]
    [InlineData("+---+---+¶| a | b |¶+---+---+", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>b</td>¶</tr>¶</tbody>¶</table>")]
    // Spanning cells.
    [InlineData("+-----+-----+¶| wide      |¶+-----+-----+¶| a   | b   |¶|     +-----+¶|     | c   |¶+-----+-----+",
        "<table>¶<tbody>¶<tr>¶<td colspan=\"2\">wide</td>¶</tr>¶<tr>¶<td rowspan=\"2\">a</td>¶<td>b</td>¶</tr>¶<tr>¶<td>c</td>¶</tr>¶</tbody>¶</table>")]
    // A cell is a document: lines of a paragraph, lists, several paragraphs; an empty cell is empty.
    [InlineData("+--------+---+¶| - x    | a |¶| - y    | b |¶|        |   |¶|        | c |¶+--------+---+¶|        |   |¶+--------+---+",
        "<table>¶<tbody>¶<tr>¶<td><ul>¶<li>x</li>¶<li>y</li>¶</ul>¶</td>¶<td><p>a¶b</p>¶<p>c</p>¶</td>¶</tr>¶<tr>¶<td></td>¶<td></td>¶</tr>¶</tbody>¶</table>")]
    [InlineData("+-----+¶| <b> |¶+-----+", "<table>¶<tbody>¶<tr>¶<td>&lt;b&gt;</td>¶</tr>¶</tbody>¶</table>")] // source text stays text
    // Simple tables: a second border under the header.
    [InlineData("=====  =====¶A      B¶=====  =====¶1      *x*¶2      3¶=====  =====", Table)]
    [InlineData("=====  =====¶a      b¶=====  =====", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>b</td>¶</tr>¶</tbody>¶</table>")]
    // A row goes on while its first column is blank; the last column may run past its border.
    [InlineData("===  ===¶a    one¶     two¶b    runs on past¶===  ===", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>one¶two</td>¶</tr>¶<tr>¶<td>b</td>¶<td>runs on past</td>¶</tr>¶</tbody>¶</table>")]
    [InlineData("===  ===¶a    one¶\\    two¶===  ===", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>one</td>¶</tr>¶<tr>¶<td></td>¶<td>two</td>¶</tr>¶</tbody>¶</table>")] // a backslash alone: an empty first column
    [InlineData("===  ===¶a    `x <javascript:alert(1)>`_ <script>¶===  ===", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>x &lt;script&gt;</td>¶</tr>¶</tbody>¶</table>")]
    // A line of "-" runs under a row joins its columns.
    [InlineData("=====  =====  =====¶Head spans    x¶------------  -----¶a      b      c¶=====  =====  =====",
        "<table>¶<tbody>¶<tr>¶<td colspan=\"2\">Head spans</td>¶<td>x</td>¶</tr>¶<tr>¶<td>a</td>¶<td>b</td>¶<td>c</td>¶</tr>¶</tbody>¶</table>")]
    [InlineData("=====  =====¶=====  =====¶a      b¶=====  =====", "<table>¶<thead>¶<tr>¶<th></th>¶<th></th>¶</tr>¶</thead>¶<tbody>¶<tr>¶<td>a</td>¶<td>b</td>¶</tr>¶</tbody>¶</table>")] // an empty header
    [InlineData("=====  =====¶a      b¶=====  =====¶¶after", "<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>b</td>¶</tr>¶</tbody>¶</table>¶<p>after</p>")]
    // East Asian wide characters take two columns, as they display.
    [InlineData("+------+------+¶| 名前 | 値   |¶+======+======+¶| 日本 | x    |¶+------+------+", "<table>¶<thead>¶<tr>¶<th>名前</th>¶<th>値</th>¶</tr>¶</thead>¶<tbody>¶<tr>¶<td>日本</td>¶<td>x</td>¶</tr>¶</tbody>¶</table>")]
    [InlineData("====  ====¶名前  値¶====  ====¶日本  x¶====  ====", "<table>¶<thead>¶<tr>¶<th>名前</th>¶<th>値</th>¶</tr>¶</thead>¶<tbody>¶<tr>¶<td>日本</td>¶<td>x</td>¶</tr>¶</tbody>¶</table>")]
    // The list-table directive: rows of cells as nested bullet lists; header-rows, a title as the caption.
    [InlineData(".. list-table::¶   :header-rows: 1¶¶   * - A¶     - B¶   * - 1¶     - *x*¶   * - 2¶     - 3", Table)]
    [InlineData(".. list-table:: Versions¶¶   * - a¶     -¶   * - - x¶       - y¶     - two¶       lines",
        "<table>¶<caption>Versions</caption>¶<tbody>¶<tr>¶<td>a</td>¶<td></td>¶</tr>¶<tr>¶<td><ul>¶<li>x</li>¶<li>y</li>¶</ul>¶</td>¶<td>two¶lines</td>¶</tr>¶</tbody>¶</table>")]
    [InlineData(".. list-table::¶¶   * - a¶     - b¶   * - c", "<pre>.. list-table::¶   * - a¶     - b¶   * - c</pre>")] // rows of different lengths
    [InlineData(".. list-table::¶   :header-rows: 3¶¶   * - a", "<pre>.. list-table::¶   :header-rows: 3¶¶   * - a</pre>")] // more header rows than rows
    // Tables inside list items.
    [InlineData("- item¶¶  ===  ===¶  a    b¶  ===  ===", "<ul>¶<li><p>item</p>¶<table>¶<tbody>¶<tr>¶<td>a</td>¶<td>b</td>¶</tr>¶</tbody>¶</table>¶</li>¶</ul>")]
    // Malformed tables are shown as their source text.
    [InlineData("+---+---+¶| a | b¶+---+---+", "<pre>+---+---+¶| a | b¶+---+---+</pre>")] // ragged right edge
    [InlineData("+---+---+¶| a | b |¶+---+   +", "<pre>+---+---+¶| a | b |¶+---+   +</pre>")] // a cell without a bottom
    [InlineData("+---+---+¶| a | <b> |¶+---+---+", "<pre>+---+---+¶| a | &lt;b&gt; |¶+---+---+</pre>")]
    [InlineData("=====  =====¶abcdefg   b¶=====  =====", "<pre>=====  =====¶abcdefg   b¶=====  =====</pre>")] // text between columns
    [InlineData("=====  =====¶a      b", "<pre>=====  =====¶a      b</pre>")] // no bottom border
    [InlineData("=====  =====  =====¶a      b      c¶=====  =====  ======", "<pre>=====  =====  =====¶a      b      c¶=====  =====  ======</pre>")] // borders differ
    public void Renders_tables(string source, string expected) =>
        Assert.Equal(expected.Replace("¶", "\n") + "\n", Regex.Replace(RstRenderer.ToHtml(source.Replace("¶", "\n")), "<colgroup>\n(<col [^>]*>\n)*</colgroup>\n", ""));

    [Theory]
    // Column widths as docutils gives them: in proportion to the columns' characters; a simple table's last
    // column is as wide as its longest text.
    [InlineData("+-----+-----+¶| a   | b   |¶+-----+-----+", "50,50")]
    [InlineData("+--------+---+¶| a      | b |¶+--------+---+", "73,27")]
    [InlineData("+---+---+¶| a   b |¶+---+---+", "50,50")] // one cell over two columns
    [InlineData("=====  =====  =====¶a      b      c¶=====  =====  =====", "33,33,33")]
    [InlineData("===  ===¶a    one¶b    runs on past¶===  ===", "20,80")]
    [InlineData(".. list-table::¶   :widths: 15 10 30¶¶   * - a¶     - b¶     - c", "27,18,55")]
    [InlineData(".. list-table::¶¶   * - a¶     - b¶     - c", "33,33,33")]
    public void Columns_get_docutils_widths(string source, string widths)
    {
        var html = RstRenderer.ToHtml(source.Replace("¶", "\n"));
        var expected = string.Concat(widths.Split(',').Select(w => $"<col width=\"{w}%\">\n"));
        Assert.Contains("<table>\n<colgroup>\n" + expected + "</colgroup>\n", html);
    }

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
    [InlineData("- <script>x</script>||  - `y <javascript:z>`_", "<ul>|<li>&lt;script&gt;x&lt;/script&gt;<ul>|<li>y</li>|</ul>|</li>|</ul>")]
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

    [Theory]
    // (items, each nested under the one before; lists rendered; source shown preformatted)
    [InlineData(3, 3, false)]
    [InlineData(16, 16, false)] // exactly as deep as the limit
    [InlineData(17, 16, true)]
    [InlineData(600, 16, true)]
    public void Lists_nest_only_as_deep_as_the_limit(int items, int lists, bool preformatted)
    {
        var source = string.Join("\n\n", Enumerable.Range(0, items).Select(i => new string(' ', 2 * i) + "- level" + i));
        var clock = Stopwatch.StartNew();
        var html = RstRenderer.ToHtml(source);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(lists, CountOf(html, "<ul>"));
        Assert.Equal(lists, CountOf(html, "</ul>"));
        Assert.Equal(preformatted ? 1 : 0, CountOf(html, "<pre>"));
        Assert.Contains($"level{items - 1}", html);
    }

    [Theory]
    // (kind of table; a header and 10,000 rows render as a table, in time proportional to their size)
    [InlineData("grid")]
    [InlineData("simple")]
    public void A_table_of_ten_thousand_rows_renders_quickly(string kind)
    {
        var rows = Enumerable.Range(0, 10_000).Select(i => $"{i:D6}").ToList();
        var source = kind == "grid"
            ? "+--------+----------+\n| name   | value    |\n+========+==========+\n"
              + string.Concat(rows.Select(r => $"| {r} | *{r}* |\n+--------+----------+\n"))
            : "========  ==========\nname      value\n========  ==========\n"
              + string.Concat(rows.Select(r => $"{r}    *{r}*\n")) + "========  ==========\n";
        var clock = Stopwatch.StartNew();
        var html = RstRenderer.ToHtml(source);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(10_001, CountOf(html, "<tr>"));
        Assert.Equal(10_000, CountOf(html, "<em>"));
        Assert.Contains("<td>009999</td>\n<td><em>009999</em></td>", html);
    }

    [Theory]
    // Tables written to be expensive: shown as their source, quickly.
    // A grid of 1,000 columns whose first row closes and whose second never does: tracing would follow every
    // column edge down from every corner of the second row.
    [InlineData("backtracking grid")]
    // A border of 40,000 columns over 40,000 one-letter rows: 1.6 billion cells, in less than the server's 256 Ki characters.
    [InlineData("wide simple table")]
    // A border of 100 columns over 600 one-letter rows: 60,000 empty cells out of 1,600 characters.
    [InlineData("short rows under a wide border")]
    public void Hostile_tables_are_shown_as_source_quickly(string kind)
    {
        string source;
        if (kind == "short rows under a wide border")
        {
            var border = string.Join(" ", Enumerable.Repeat("=", 100));
            source = border + "\n" + string.Concat(Enumerable.Repeat("x\n", 600)) + border;
        }
        else if (kind == "backtracking grid")
        {
            var border = "+" + string.Concat(Enumerable.Repeat("-+", 1000));
            var edges = "|" + string.Concat(Enumerable.Repeat(" |", 1000));
            var open = "|" + new string(' ', border.Length - 2) + "|";
            source = border + "\n" + edges + "\n" + border + "\n" + string.Concat(Enumerable.Repeat(edges + "\n", 120)) + open;
        }
        else
        {
            var border = string.Join(" ", Enumerable.Repeat("=", 40_000));
            source = border + "\n" + string.Concat(Enumerable.Repeat("x\n", 40_000)) + border;
        }
        var clock = Stopwatch.StartNew();
        var html = RstRenderer.ToHtml(source);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.StartsWith("<pre>", html);
        Assert.DoesNotContain("<table>", html);
        Assert.Equal(source.Length + "<pre></pre>\n".Length, html.Length); // every character kept, none to encode
        Assert.True(source.Length < 256 * 1024);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
