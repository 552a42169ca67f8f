using System.Text;

namespace Cheeseshop.Core.Readme;

/// <summary>The sequences an enumerated list counts in.</summary>
internal enum RstSequence { Arabic, LowerAlpha, UpperAlpha, LowerRoman, UpperRoman, Auto }

/// <summary>An enumerator at a line's start: its length with the space after it, its format ('.' for
/// "1.", ')' for "1)", '(' for "(1)"), its sequence and its value (0 for the automatic "#").</summary>
internal readonly record struct RstEnumerator(int Length, char Format, RstSequence Sequence, int Ordinal);

/// <summary>Bullet, enumerated and definition lists. An item's lines (its first line after the marker, then
/// every line indented under it) are a document of their own, one level deeper, so lists nest by indentation
/// and an item can hold several paragraphs, literal blocks or tables.</summary>
internal sealed partial class RstBlocks
{
    /// <summary>docutils reads "1. text" as a list only when the next line is blank, indented or the next
    /// item of the same list: "2020. A year." followed by more text is a paragraph.</summary>
    private bool IsEnumeratedListStart(RstEnumerator first)
    {
        var next = _i + 1;
        if (next >= lines.Length || IsBlank(lines[next]) || Indent(lines[next]) > 0) return true;
        return RstText.Enumerator(lines[next], first.Sequence) is { } e && Continues(first, e, first.Ordinal);
    }

    /// <summary>An item continues a list in the same format, either with "#" or with the next value of the
    /// list's sequence.</summary>
    private static bool Continues(RstEnumerator first, RstEnumerator item, int last) =>
        item.Format == first.Format && (item.Sequence == RstSequence.Auto
            || (item.Sequence == first.Sequence && first.Sequence != RstSequence.Auto && item.Ordinal == last + 1));

    /// <summary>A bullet list (<paramref name="first"/> null: its items use the same bullet character) or an
    /// enumerated one. Past <see cref="RstRenderer.MaxDepth"/> levels the list is shown as its source text.</summary>
    private void List(RstEnumerator? first)
    {
        var start = _i;
        var bullet = lines[_i][0];
        var last = first?.Ordinal ?? 0;
        var items = new List<List<string>> { TakeItem(first?.Length ?? RstText.BulletMarker(lines[_i])) };
        while (true)
        {
            var next = _i;
            while (next < lines.Length && IsBlank(lines[next])) next++;
            if (next >= lines.Length) break;
            var marker = 0;
            if (first is null) marker = lines[next][0] == bullet ? RstText.BulletMarker(lines[next]) : 0;
            else if (RstText.Enumerator(lines[next], first.Value.Sequence) is { } e && Continues(first.Value, e, last))
            {
                marker = e.Length;
                last++;
            }
            if (marker == 0) break;
            _i = next;
            items.Add(TakeItem(marker));
        }
        if (depth >= RstRenderer.MaxDepth)
        {
            Preformatted(Dedent([.. lines[start.._i]]));
            return;
        }
        RenderList(first, items);
    }

    private List<string> TakeItem(int marker) => TakeItem(lines, ref _i, marker);

    /// <summary>One item: the text after its marker, then the lines indented at least as far as that text
    /// (blank ones among them), less that indentation, as docutils takes them. A line indented less ends the item.</summary>
    internal static List<string> TakeItem(IReadOnlyList<string> lines, ref int at, int marker)
    {
        var first = lines[at];
        var column = marker + Indent(first[marker..]);
        var item = new List<string> { first[column..].TrimEnd() };
        for (at++; at < lines.Count && (IsBlank(lines[at]) || Indent(lines[at]) >= column); at++)
            item.Add(IsBlank(lines[at]) ? "" : lines[at][column..].TrimEnd());
        while (IsBlank(item[^1]) && item.Count > 1) item.RemoveAt(item.Count - 1);
        return item;
    }

    /// <summary>docutils' compact ("simple") list: every item is at most one paragraph followed by a simple
    /// list; its paragraphs are written without "p".</summary>
    private void RenderList(RstEnumerator? first, List<List<string>> items)
    {
        var bodies = items.Select(RenderNested).ToList();
        var simple = bodies.All(b => IsSimpleItem(b.Kinds));
        html.Append(first is null ? "<ul>\n" : OrderedListTag(first.Value));
        foreach (var (body, _) in bodies) html.Append("<li>").Append(simple ? Compact(body) : body).Append("</li>\n");
        html.Append(first is null ? "</ul>\n" : "</ol>\n");
        Kinds.Add(simple ? RstBlockKind.SimpleList : RstBlockKind.Other);
    }

    private static bool IsSimpleItem(List<RstBlockKind> kinds) => kinds switch
    {
        [] or [RstBlockKind.Paragraph] or [RstBlockKind.SimpleList] => true,
        [RstBlockKind.Paragraph, RstBlockKind.SimpleList] => true,
        _ => false,
    };

    /// <summary>"ol" with the list's first value when it is not 1, and its kind of numbering: docutils says it
    /// with a class, which the sanitizer removes, so the type attribute says it instead.</summary>
    private static string OrderedListTag(RstEnumerator first)
    {
        var tag = new StringBuilder("<ol");
        var type = first.Sequence switch
        {
            RstSequence.LowerAlpha => "a",
            RstSequence.UpperAlpha => "A",
            RstSequence.LowerRoman => "i",
            RstSequence.UpperRoman => "I",
            _ => null,
        };
        if (type is not null) tag.Append(" type=\"").Append(type).Append('"');
        if (first.Sequence != RstSequence.Auto && first.Ordinal != 1) tag.Append(" start=\"").Append(first.Ordinal).Append('"');
        return tag.Append(">\n").ToString();
    }

    /// <summary>A definition list item: a line of its own (not a list item, directive, field or table)
    /// followed at once by indented lines, its definition.</summary>
    private bool IsDefinitionItem(int at)
    {
        if (at + 1 >= lines.Length || IsBlank(lines[at]) || Indent(lines[at]) > 0 || IsBlank(lines[at + 1]) || Indent(lines[at + 1]) == 0)
            return false;
        var line = lines[at];
        return !line.StartsWith("..") && RstText.BulletMarker(line) == 0 && RstText.Enumerator(line) is null && !RstText.IsAdornment(line)
            && !line.StartsWith('+') && !line.StartsWith("==") && !RstText.IsField(line);
    }

    /// <summary>Terms and their definitions; a definition of one paragraph is written without "p", as
    /// docutils does. Past <see cref="RstRenderer.MaxDepth"/> levels the list is shown as its source text.</summary>
    private void DefinitionList()
    {
        var start = _i;
        var items = new List<(string Term, List<string> Body)>();
        while (true)
        {
            var term = lines[_i].Trim();
            _i++;
            items.Add((term, TakeIndented()));
            var next = _i;
            while (next < lines.Length && IsBlank(lines[next])) next++;
            if (!IsDefinitionItem(next)) break;
            _i = next;
        }
        if (depth >= RstRenderer.MaxDepth)
        {
            Preformatted(Dedent([.. lines[start.._i]]));
            return;
        }
        html.Append("<dl>\n");
        foreach (var (term, body) in items)
            html.Append("<dt>").Append(RstInline.Render(term, targets)).Append("</dt>\n<dd>").Append(RenderNestedCompact(body)).Append("</dd>\n");
        html.Append("</dl>\n");
        Kinds.Add(RstBlockKind.Other);
    }
}

/// <summary>Enumerators: "1.", "#.", "a)", "(iv)", "B." and the like.</summary>
internal static partial class RstText
{
    /// <summary>The enumerator at the line's start, or null. A single letter is alphabetic except "i" and
    /// "I", which start roman lists, unless <paramref name="within"/> (the sequence of the list being
    /// continued) says otherwise.</summary>
    public static RstEnumerator? Enumerator(string line, RstSequence? within = null)
    {
        var paren = line.StartsWith('(');
        int start = paren ? 1 : 0, end = start;
        while (end < line.Length && end - start < 10 && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '#')) end++;
        if (end == start || end + 1 >= line.Length || line[end + 1] != ' ') return null;
        var format = paren ? '(' : line[end];
        if (paren ? line[end] != ')' : format is not ('.' or ')')) return null;
        return Classify(line[start..end], within) is var (sequence, ordinal) ? new RstEnumerator(end + 2, format, sequence, ordinal) : null;
    }

    private static (RstSequence, int)? Classify(string token, RstSequence? within)
    {
        if (token == "#") return (RstSequence.Auto, 0);
        if (token.All(char.IsAsciiDigit)) return token.Length <= 9 ? (RstSequence.Arabic, int.Parse(token)) : null;
        var upper = token.All(char.IsAsciiLetterUpper);
        if (!upper && !token.All(char.IsAsciiLetterLower)) return null;
        if (token.Length == 1)
        {
            var letter = char.ToLowerInvariant(token[0]);
            var alphabetic = within is { } w ? w is RstSequence.LowerAlpha or RstSequence.UpperAlpha : letter != 'i';
            if (alphabetic) return (upper ? RstSequence.UpperAlpha : RstSequence.LowerAlpha, letter - 'a' + 1);
        }
        var value = Roman(token.ToUpperInvariant());
        return value > 0 ? (upper ? RstSequence.UpperRoman : RstSequence.LowerRoman, value) : null;
    }

    private static readonly (string Numeral, int Value)[] RomanParts =
    [
        ("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90),
        ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1),
    ];

    /// <summary>The value of a well-formed roman numeral (the way it is written for that value), else 0.</summary>
    private static int Roman(string numeral)
    {
        int at = 0, value = 0;
        foreach (var (part, worth) in RomanParts)
        {
            for (var times = 0; times < 3 && string.CompareOrdinal(numeral, at, part, 0, part.Length) == 0 && at + part.Length <= numeral.Length; times++)
            {
                value += worth;
                at += part.Length;
                if (part.Length == 2 || part is "V" or "L" or "D") break;
            }
        }
        return at == numeral.Length ? value : 0;
    }
}
