using System.Net;
using System.Text;

namespace Cheeseshop.Core.Readme;

/// <summary>
/// reStructuredText to HTML for the subset that project READMEs use: section titles (underlined, or
/// over- and underlined), paragraphs, bullet, enumerated and definition lists (nested by indentation,
/// items of several paragraphs), grid and simple tables and the list-table directive, literal blocks
/// (after "::" and the code directives), doctest blocks, block quotes, comments, hyperlink targets and
/// the inline markup (emphasis, strong, inline literals, embedded and named links, bare URLs). The HTML
/// has docutils' shape (what PyPI shows): a list whose items are single paragraphs, a table cell or a
/// definition holding one paragraph carry its text without a "p". No complete renderer exists for
/// .NET; what this one does not understand (other directives, field lists, malformed tables) is shown
/// as preformatted text. Every piece of source text is HTML-encoded on output, so the result never
/// holds markup the source wrote: only the elements this class emits, and links whose scheme is http,
/// https or mailto (or relative ones). Block quotes, list items, definitions and table cells nest at
/// most <see cref="MaxDepth"/> deep; anything deeper is shown as preformatted text, so an uploaded
/// README cannot make the parser recurse (and copy its lines) without end.
/// </summary>
public static class RstRenderer
{
    /// <summary>How many block quotes, list items, definitions and table cells deep the parser goes; no README
    /// written for people nests further.</summary>
    public const int MaxDepth = 16;

    public static string ToHtml(string source)
    {
        var lines = source.Replace("\r\n", "\n").Replace('\r', '\n').Replace("\t", "        ").Split('\n');
        var targets = RstInline.CollectTargets(lines);
        var html = new StringBuilder();
        new RstBlocks(lines, targets, html).Render();
        return html.ToString();
    }
}

/// <summary>What a block turned out to be, as far as docutils' compact lists care.</summary>
internal enum RstBlockKind { Paragraph, SimpleList, Other }

/// <summary>The block structure: one pass over the lines, each block recognised by its first lines.
/// Lists and tables are in their own files.</summary>
internal sealed partial class RstBlocks(string[] lines, IReadOnlyDictionary<string, string> targets, StringBuilder html, int depth = 0)
{
    private static readonly string[] CodeDirectives = ["code-block", "code", "sourcecode"];
    private readonly List<(char Char, bool Over)> _titleStyles = [];
    private int _i;

    /// <summary>The kinds of the blocks rendered at this level, in order (comments and targets leave none).</summary>
    public List<RstBlockKind> Kinds { get; } = [];

    public void Render()
    {
        while (_i < lines.Length)
        {
            if (IsBlank(lines[_i])) { _i++; continue; }
            if (Indent(lines[_i]) > 0) { BlockQuote(); continue; }
            if (TryTitle()) continue;
            var line = lines[_i];
            if (line.StartsWith("..")) { Explicit(); continue; }
            if (RstText.BulletMarker(line) > 0) { List(null); continue; }
            if (RstText.Enumerator(line) is { } e && IsEnumeratedListStart(e)) { List(e); continue; }
            if (RstGridTable.IsTop(line)) { GridTable(); continue; }
            if (RstSimpleTable.IsTop(line)) { SimpleTable(); continue; }
            if (line.StartsWith('+') || line.StartsWith("==") || RstText.IsField(line)) { Preformatted(TakeUntilBlank()); continue; }
            if (line.StartsWith(">>> ") || line.TrimEnd() == ">>>") { Preformatted(TakeUntilBlank()); continue; } // a doctest block
            if (IsDefinitionItem(_i)) { DefinitionList(); continue; }
            Paragraph();
        }
    }

    private static bool IsBlank(string line) => line.Trim().Length == 0;
    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    /// <summary>A title: text underlined by one punctuation character repeated at least as long as the
    /// text, optionally with the same line above it. Levels follow the order styles first appear in.</summary>
    private bool TryTitle()
    {
        var over = RstText.IsAdornment(lines[_i]) && _i + 2 < lines.Length && !IsBlank(lines[_i + 1])
            && lines[_i + 2].TrimEnd() == lines[_i].TrimEnd();
        int textLine = over ? _i + 1 : _i, underline = textLine + 1;
        if (underline >= lines.Length || !RstText.IsAdornment(lines[underline])) return false;
        var text = lines[textLine].Trim();
        if (text.Length == 0 || RstText.IsAdornment(lines[textLine]) || lines[underline].TrimEnd().Length < text.Length) return false;
        var style = (lines[underline][0], over);
        var level = _titleStyles.IndexOf(style);
        if (level < 0) { _titleStyles.Add(style); level = _titleStyles.Count - 1; }
        var tag = "h" + Math.Min(level + 1, 6);
        html.Append('<').Append(tag).Append('>').Append(RstInline.Render(text, targets)).Append("</").Append(tag).Append(">\n");
        Kinds.Add(RstBlockKind.Other);
        _i = underline + 1;
        return true;
    }

    private void Paragraph()
    {
        var text = new List<string>();
        while (_i < lines.Length && !IsBlank(lines[_i]) && Indent(lines[_i]) == 0)
        {
            text.Add(lines[_i].Trim());
            _i++;
        }
        var joined = string.Join("\n", text);
        var literal = joined.EndsWith("::");
        if (literal) joined = joined == "::" ? "" : joined.EndsWith(" ::") ? joined[..^3] : joined[..^1];
        if (joined.Length > 0)
        {
            html.Append("<p>").Append(RstInline.Render(joined, targets)).Append("</p>\n");
            Kinds.Add(RstBlockKind.Paragraph);
        }
        if (literal) LiteralBlock();
    }

    /// <summary>The indented block after "::", kept exactly (less its common indentation).</summary>
    private void LiteralBlock()
    {
        while (_i < lines.Length && IsBlank(lines[_i])) _i++;
        if (_i >= lines.Length || Indent(lines[_i]) == 0) return;
        Preformatted(TakeIndented());
    }

    /// <summary>The indented lines from here on (blank ones among them, but not before them), less their
    /// common indentation and without blank lines at the end.</summary>
    private List<string> TakeIndented()
    {
        var block = new List<string>();
        while (_i < lines.Length && IsBlank(lines[_i]) && _i + 1 < lines.Length && (IsBlank(lines[_i + 1]) || Indent(lines[_i + 1]) > 0)) _i++;
        while (_i < lines.Length && (IsBlank(lines[_i]) || Indent(lines[_i]) > 0))
        {
            block.Add(lines[_i]);
            _i++;
        }
        return Dedent(block);
    }

    /// <summary>The lines less their common indentation, without blank lines at the end.</summary>
    internal static List<string> Dedent(List<string> block)
    {
        while (block.Count > 0 && IsBlank(block[^1])) block.RemoveAt(block.Count - 1);
        var common = block.Where(l => !IsBlank(l)).Select(Indent).DefaultIfEmpty(0).Min();
        return block.Select(l => l.Length >= common ? l[common..].TrimEnd() : "").ToList();
    }

    private List<string> TakeUntilBlank()
    {
        var block = new List<string>();
        while (_i < lines.Length && !IsBlank(lines[_i]))
        {
            block.Add(lines[_i]);
            _i++;
        }
        return block;
    }

    private void Preformatted(IEnumerable<string> block)
    {
        html.Append("<pre>").Append(WebUtility.HtmlEncode(string.Join("\n", block))).Append("</pre>\n");
        Kinds.Add(RstBlockKind.Other);
    }

    /// <summary>An indented block: its lines are a document of their own, one level deeper. Past
    /// <see cref="RstRenderer.MaxDepth"/> levels the block is shown as its source text instead.</summary>
    private void BlockQuote()
    {
        var inner = TakeIndented();
        if (depth >= RstRenderer.MaxDepth)
        {
            Preformatted(inner);
            return;
        }
        html.Append("<blockquote>\n");
        new RstBlocks([.. inner], targets, html, depth + 1).Render();
        html.Append("</blockquote>\n");
        Kinds.Add(RstBlockKind.Other);
    }

    /// <summary>Lines rendered as a document one level deeper (a list item, a definition, a table cell),
    /// into a string of their own so the caller can decide on the element around them.</summary>
    private (string Html, List<RstBlockKind> Kinds) RenderNested(IReadOnlyList<string> body)
    {
        var inner = new StringBuilder();
        var blocks = new RstBlocks([.. body], targets, inner, depth + 1);
        blocks.Render();
        return (inner.ToString(), blocks.Kinds);
    }

    /// <summary>Lines rendered one level deeper, written without "p" when they are one paragraph, as docutils writes
    /// a definition or a table cell.</summary>
    private string RenderNestedCompact(IReadOnlyList<string> body)
    {
        var (rendered, kinds) = RenderNested(body);
        return kinds is [RstBlockKind.Paragraph] ? Compact(rendered) : rendered;
    }

    /// <summary>A body's HTML without the "p" around its first paragraph, as docutils writes a compact
    /// list item or a cell of one paragraph. Inline text is encoded, so the first "&lt;/p&gt;" ends that paragraph.</summary>
    private static string Compact(string body)
    {
        if (!body.StartsWith("<p>", StringComparison.Ordinal)) return body;
        var end = body.IndexOf("</p>\n", StringComparison.Ordinal);
        return string.Concat(body.AsSpan(3, end - 3), body.AsSpan(end + 5));
    }

    /// <summary>".." blocks: code directives become literal blocks, list-table a table; comments, hyperlink
    /// targets and the image and badge directives (which would fetch from elsewhere) are dropped; any other
    /// directive is shown as its source text.</summary>
    private void Explicit()
    {
        var first = lines[_i].TrimEnd();
        var directive = RstText.Directive(first);
        _i++;
        var body = TakeIndented();
        if (directive is { } d && CodeDirectives.Contains(d))
        {
            while (body.Count > 0 && body[0].TrimStart().StartsWith(':')) body.RemoveAt(0); // directive options
            while (body.Count > 0 && IsBlank(body[0])) body.RemoveAt(0);
            Preformatted(body);
        }
        else if (directive is "list-table") ListTable(first, body);
        else if (directive is "image" or "figure" || directive is null) { }
        else Preformatted([first, .. body.Select(l => l.Length == 0 ? l : "   " + l)]);
    }
}

/// <summary>Line-level tests shared by the block parser.</summary>
internal static partial class RstText
{
    private const string AdornmentChars = "=-`:'\"~^_*+#<>.";

    /// <summary>A line of one punctuation character repeated (at least four times, so "--" in prose is text).</summary>
    public static bool IsAdornment(string line)
    {
        var t = line.TrimEnd();
        return t.Length >= 4 && AdornmentChars.Contains(t[0]) && t.All(c => c == t[0]);
    }

    /// <summary>Length of a bullet marker ("- ", "* ", "+ ") at the line's start, or 0.</summary>
    public static int BulletMarker(string line) =>
        line.Length >= 2 && "-*+".Contains(line[0]) && line[1] == ' ' ? 2 : 0;

    /// <summary>A field list's line, ":name: body": the name ends at a colon followed by a space or the line's end,
    /// so text that starts with a role (":ref:`x`") is no field.</summary>
    public static bool IsField(string line)
    {
        if (line.Length < 3 || line[0] != ':' || line[1] is ':' or ' ') return false;
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] == '\\') { i++; continue; }
            if (line[i] != ':') continue;
            if (i + 1 == line.Length || line[i + 1] == ' ') return line[i - 1] != ' ';
            if (line[i + 1] == '`') return false;
        }
        return false;
    }

    /// <summary>The name of a directive (".. name:: ...") in lower case, or null for a comment or target.</summary>
    public static string? Directive(string line)
    {
        if (!line.StartsWith(".. ")) return null;
        var rest = line[3..];
        var end = rest.IndexOf("::", StringComparison.Ordinal);
        if (end <= 0 || rest.StartsWith('_') || rest.StartsWith('[') || rest.StartsWith('|')) return null;
        var name = rest[..end];
        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.') ? name.ToLowerInvariant() : null;
    }
}
