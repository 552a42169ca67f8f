using System.Net;
using System.Text;

namespace Cheeseshop.Core.Readme;

/// <summary>
/// reStructuredText to HTML for the subset that project READMEs use: section titles (underlined, or
/// over- and underlined), paragraphs, bullet and enumerated lists, literal blocks (after "::" and the
/// code directives), block quotes, comments, hyperlink targets and the inline markup (emphasis,
/// strong, inline literals, embedded and named links, bare URLs). No complete renderer exists for
/// .NET; what this one does not understand (tables, other directives, field lists) is shown as
/// preformatted text. Every piece of source text is HTML-encoded on output, so the result never holds
/// markup the source wrote: only the elements this class emits, and links whose scheme is http,
/// https or mailto (or relative ones). Block quotes nest at most <see cref="MaxDepth"/> deep; anything deeper is
/// shown as preformatted text, so an uploaded README cannot make the parser recurse (and copy its lines) without end.
/// </summary>
public static class RstRenderer
{
    /// <summary>How many block quotes deep the parser goes; no README written for people nests further.</summary>
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

/// <summary>The block structure: one pass over the lines, each block recognised by its first lines.</summary>
internal sealed class RstBlocks(string[] lines, IReadOnlyDictionary<string, string> targets, StringBuilder html, int depth = 0)
{
    private static readonly string[] CodeDirectives = ["code-block", "code", "sourcecode"];
    private readonly List<(char Char, bool Over)> _titleStyles = [];
    private int _i;

    public void Render()
    {
        while (_i < lines.Length)
        {
            if (IsBlank(lines[_i])) { _i++; continue; }
            if (Indent(lines[_i]) > 0) { BlockQuote(); continue; }
            if (TryTitle()) continue;
            var line = lines[_i];
            if (line.StartsWith("..")) { Explicit(); continue; }
            if (RstText.BulletMarker(line) > 0) { List(bullet: true); continue; }
            if (RstText.EnumMarker(line) > 0) { List(bullet: false); continue; }
            if (line.StartsWith('+') || line.StartsWith("==") || (line.StartsWith(':') && !line.StartsWith("::"))) { Preformatted(TakeUntilBlank(0)); continue; }
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
        if (joined.Length > 0) html.Append("<p>").Append(RstInline.Render(joined, targets)).Append("</p>\n");
        if (literal) LiteralBlock();
    }

    /// <summary>The indented block after "::", kept exactly (less its common indentation).</summary>
    private void LiteralBlock()
    {
        while (_i < lines.Length && IsBlank(lines[_i])) _i++;
        if (_i >= lines.Length || Indent(lines[_i]) == 0) return;
        Preformatted(TakeIndented());
    }

    private List<string> TakeIndented()
    {
        var block = new List<string>();
        while (_i < lines.Length && IsBlank(lines[_i]) && _i + 1 < lines.Length && (IsBlank(lines[_i + 1]) || Indent(lines[_i + 1]) > 0)) _i++;
        while (_i < lines.Length && (IsBlank(lines[_i]) || Indent(lines[_i]) > 0))
        {
            block.Add(lines[_i]);
            _i++;
        }
        while (block.Count > 0 && IsBlank(block[^1])) block.RemoveAt(block.Count - 1);
        var common = block.Where(l => !IsBlank(l)).Select(Indent).DefaultIfEmpty(0).Min();
        return block.Select(l => l.Length >= common ? l[common..] : "").ToList();
    }

    private List<string> TakeUntilBlank(int indent)
    {
        var block = new List<string>();
        while (_i < lines.Length && !IsBlank(lines[_i]) && (block.Count == 0 || Indent(lines[_i]) >= indent))
        {
            block.Add(lines[_i]);
            _i++;
        }
        return block;
    }

    private void Preformatted(IEnumerable<string> block) =>
        html.Append("<pre>").Append(WebUtility.HtmlEncode(string.Join("\n", block))).Append("</pre>\n");

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
    }

    /// <summary>".." blocks: code directives become literal blocks; comments, hyperlink targets and
    /// the image and badge directives (which would fetch from elsewhere) are dropped; any other
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
        else if (directive is "image" or "figure" || directive is null) { }
        else Preformatted([first, .. body.Select(l => "   " + l)]);
    }

    private void List(bool bullet)
    {
        var tag = bullet ? "ul" : "ol";
        var first = lines[_i][0]; // a bullet list goes on while its items use the same character
        html.Append('<').Append(tag).Append(">\n");
        while (_i < lines.Length)
        {
            if (IsBlank(lines[_i]))
            {
                var next = _i + 1;
                while (next < lines.Length && IsBlank(lines[next])) next++;
                if (next >= lines.Length || Marker(lines[next], bullet) == 0) break;
                _i = next;
            }
            var marker = Marker(lines[_i], bullet);
            if (marker == 0 || (bullet && lines[_i][0] != first)) break;
            var item = new List<string> { lines[_i][marker..] };
            _i++;
            while (_i < lines.Length && !IsBlank(lines[_i]) && Indent(lines[_i]) > 0) { item.Add(lines[_i].Trim()); _i++; }
            html.Append("<li>").Append(RstInline.Render(string.Join("\n", item.Select(l => l.Trim())), targets)).Append("</li>\n");
        }
        html.Append("</").Append(tag).Append(">\n");
    }

    private static int Marker(string line, bool bullet) => bullet ? RstText.BulletMarker(line) : RstText.EnumMarker(line);
}

/// <summary>Line-level tests shared by the block parser.</summary>
internal static class RstText
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

    /// <summary>Length of an enumerator ("1. ", "#. ", "a) ", "(3) ") at the line's start, or 0.</summary>
    public static int EnumMarker(string line)
    {
        var i = 0;
        var paren = line.StartsWith('(');
        if (paren) i++;
        var start = i;
        while (i < line.Length && char.IsAsciiDigit(line[i])) i++;
        if (i == start && i < line.Length && (line[i] == '#' || char.IsAsciiLetterLower(line[i]))) i++;
        if (i == start || i - start > 9 || i >= line.Length) return 0;
        if (paren ? line[i] != ')' : line[i] != '.' && line[i] != ')') return 0;
        i++;
        return i < line.Length && line[i] == ' ' ? i + 1 : 0;
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
