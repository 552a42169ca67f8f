namespace Cheeseshop.Core.Readme;

/// <summary>A table cell: how many rows and columns it spans, and its source lines (less their common indentation).</summary>
internal sealed record RstCell(int RowSpan, int ColumnSpan, List<string> Lines);

/// <summary>A parsed table: its columns' widths in characters, its rows of cells, the first
/// <see cref="HeadRows"/> of them the header.</summary>
internal sealed record RstTable(int HeadRows, List<int> Widths, List<List<RstCell>> Rows)
{
    /// <summary>The most cells a table may have: more than a README of a quarter million characters can hold
    /// with text in each, so only a table written to be expensive meets it.</summary>
    public const int MaxCells = 1 << 15;
}

/// <summary>Grid and simple tables, rendered as docutils does (table, thead of "th", tbody of "td", spans as
/// colspan and rowspan). A table that does not parse is shown as its source text: nothing is lost.</summary>
internal sealed partial class RstBlocks
{
    private void GridTable()
    {
        var block = TakeUntilBlank();
        var table = RstGridTable.Parse(RstWidth.Padded(block));
        if (table is null || depth >= RstRenderer.MaxDepth) Preformatted(block);
        else RenderTable(table);
    }

    private void SimpleTable()
    {
        var end = RstSimpleTable.FindEnd(lines, _i);
        if (end < 0)
        {
            Preformatted(TakeUntilBlank());
            return;
        }
        var block = lines[_i..(end + 1)];
        _i = end + 1;
        var table = RstSimpleTable.Parse([.. RstWidth.Padded(block)]);
        if (table is null || depth >= RstRenderer.MaxDepth) Preformatted(block);
        else RenderTable(table);
    }

    private void RenderTable(RstTable table, string? caption = null)
    {
        html.Append("<table>\n");
        if (caption is not null) html.Append("<caption>").Append(RstInline.Render(caption, targets)).Append("</caption>\n");
        html.Append("<colgroup>\n");
        var total = Math.Max(1, table.Widths.Sum());
        foreach (var width in table.Widths) html.Append("<col width=\"").Append((int)(width * 100.0 / total + 0.5)).Append("%\">\n");
        html.Append("</colgroup>\n");
        if (table.HeadRows > 0)
        {
            html.Append("<thead>\n");
            RenderRows(table.Rows.Take(table.HeadRows), "th");
            html.Append("</thead>\n");
        }
        if (table.Rows.Count > table.HeadRows)
        {
            html.Append("<tbody>\n");
            RenderRows(table.Rows.Skip(table.HeadRows), "td");
            html.Append("</tbody>\n");
        }
        html.Append("</table>\n");
        Kinds.Add(RstBlockKind.Other);
    }

    /// <summary>Rows of cells; a cell's text is a document of its own, written without "p" when it is one
    /// paragraph, as docutils does.</summary>
    private void RenderRows(IEnumerable<List<RstCell>> rows, string tag)
    {
        foreach (var row in rows)
        {
            html.Append("<tr>\n");
            foreach (var cell in row)
            {
                html.Append('<').Append(tag);
                if (cell.ColumnSpan > 1) html.Append(" colspan=\"").Append(cell.ColumnSpan).Append('"');
                if (cell.RowSpan > 1) html.Append(" rowspan=\"").Append(cell.RowSpan).Append('"');
                html.Append('>');
                if (cell.Lines.Count > 0) html.Append(RenderNestedCompact(cell.Lines));
                html.Append("</").Append(tag).Append(">\n");
            }
            html.Append("</tr>\n");
        }
    }

    /// <summary>Cell text: without the padding of wide characters, trailing spaces and blank lines at either
    /// end removed, then the common indentation.</summary>
    internal static List<string> CellLines(List<string> text)
    {
        var unpadded = text.Select(RstWidth.Unpadded).ToList();
        var first = unpadded.FindIndex(l => !IsBlank(l));
        return first < 0 ? [] : Dedent(unpadded[first..]);
    }
}

/// <summary>
/// A grid table: "+---+---+" borders, "|" column edges, "+===+" under the header. Cells are found as docutils
/// finds them, by tracing each one's outline from its top-left corner, so cells may span rows and columns.
/// Tracing can backtrack; it stops (and the table is malformed) after a number of steps proportional to the
/// table's size, so no input makes it slow.
/// </summary>
internal sealed class RstGridTable
{
    private readonly string[] _grid;
    private readonly int _right, _bottom;
    private readonly int[] _done;
    private long _budget;

    private RstGridTable(string[] grid)
    {
        _grid = grid;
        _right = grid[0].Length - 1;
        _bottom = grid.Length - 1;
        _done = Enumerable.Repeat(-1, grid[0].Length).ToArray();
        _budget = 16L * grid.Length * grid[0].Length + 4096;
    }

    /// <summary>A table's top border: "+", then runs of "-" each closed by "+".</summary>
    public static bool IsTop(string line)
    {
        var t = line.TrimEnd();
        return t.Length >= 3 && t[0] == '+' && t[1] == '-' && t[^1] == '+' && t.All(c => c is '+' or '-');
    }

    /// <summary>The table in these lines, or null when they are not a well-formed grid table.</summary>
    public static RstTable? Parse(List<string> block)
    {
        var grid = block.Select(l => l.TrimEnd()).ToArray();
        var width = grid[0].Length;
        if (grid.Length < 3 || grid.Any(l => l.Length != width || l[0] is not ('+' or '|') || l[^1] is not ('+' or '|'))) return null;
        var head = -1;
        for (var r = 1; r < grid.Length - 1; r++)
        {
            if (!IsHeadSeparator(grid[r])) continue;
            if (head >= 0) return null; // one header, one separator
            head = r;
            grid[r] = grid[r].Replace('=', '-');
        }
        if (IsHeadSeparator(grid[^1])) grid[^1] = grid[^1].Replace('=', '-');
        return new RstGridTable(grid).Build(head);
    }

    private static bool IsHeadSeparator(string line) =>
        line.Length >= 3 && line[0] == '+' && line[1] == '=' && line[^1] == '+' && line.All(c => c is '+' or '=');

    /// <summary>Every cell, traced from the corners found so far in reading order. Rows and columns are
    /// where the cells' edges have a "+", so a cell spans the columns the borders around it divide.</summary>
    private RstTable? Build(int head)
    {
        var cells = new List<(int Top, int Left, int Bottom, int Right)>();
        var corners = new SortedSet<(int Top, int Left)> { (0, 0) };
        HashSet<int> rowEdges = [], columnEdges = [];
        while (corners.Count > 0)
        {
            var (top, left) = corners.Min;
            corners.Remove((top, left));
            if (top == _bottom || left == _right || top <= _done[left]) continue;
            if (ScanRight(top, left) is not var (bottom, right)) continue;
            if (!MarkDone(top, left, bottom, right) || cells.Count >= RstTable.MaxCells) return null;
            cells.Add((top, left, bottom, right));
            corners.Add((top, right));
            corners.Add((bottom, left));
            for (var c = left; c <= right; c++)
                if (_grid[top][c] == '+' || _grid[bottom][c] == '+') columnEdges.Add(c);
            for (var r = top; r <= bottom; r++)
                if (_grid[r][left] == '+' || _grid[r][right] == '+') rowEdges.Add(r);
        }
        if (cells.Count == 0 || _done.Take(_right).Any(d => d != _bottom - 1)) return null;
        if (head >= 0 && cells.Any(c => c.Top < head && c.Bottom > head)) return null;
        return Table(cells, head, [.. rowEdges.Order()], [.. columnEdges.Order()]);
    }

    private RstTable Table(List<(int Top, int Left, int Bottom, int Right)> cells, int head, List<int> rowEdges, List<int> columnEdges)
    {
        var rows = rowEdges.SkipLast(1).Select(_ => new List<RstCell>()).ToList();
        foreach (var (top, left, bottom, right) in cells.OrderBy(c => c.Top).ThenBy(c => c.Left))
        {
            var row = rowEdges.BinarySearch(top);
            var column = columnEdges.BinarySearch(left);
            var text = Enumerable.Range(top + 1, bottom - top - 1).Select(r => _grid[r][(left + 1)..right]).ToList();
            rows[row].Add(new RstCell(rowEdges.BinarySearch(bottom) - row, columnEdges.BinarySearch(right) - column, RstBlocks.CellLines(text)));
        }
        var widths = columnEdges.Zip(columnEdges.Skip(1), (a, b) => b - a - 1).ToList();
        return new RstTable(head < 0 ? 0 : rowEdges.BinarySearch(head), widths, rows);
    }

    private bool Spend() => --_budget >= 0;

    /// <summary>Along the top edge to a "+" from which the right edge leads down to a bottom-right corner.</summary>
    private (int Bottom, int Right)? ScanRight(int top, int left)
    {
        for (var c = left + 1; c <= _right && Spend(); c++)
        {
            var ch = _grid[top][c];
            if (ch == '+' && ScanDown(top, left, c) is var bottom and >= 0) return (bottom, c);
            if (ch is not ('+' or '-')) return null;
        }
        return null;
    }

    private int ScanDown(int top, int left, int right)
    {
        for (var r = top + 1; r <= _bottom && Spend(); r++)
        {
            var ch = _grid[r][right];
            if (ch == '+' && ScanLeft(top, left, r, right)) return r;
            if (ch is not ('+' or '|')) return -1;
        }
        return -1;
    }

    /// <summary>Back along the bottom edge to the left column, then up the left edge to the top.</summary>
    private bool ScanLeft(int top, int left, int bottom, int right)
    {
        for (var c = right - 1; c > left; c--)
            if (!Spend() || _grid[bottom][c] is not ('+' or '-')) return false;
        if (_grid[bottom][left] != '+') return false;
        for (var r = bottom - 1; r > top; r--)
            if (!Spend() || _grid[r][left] is not ('+' or '|')) return false;
        return true;
    }

    /// <summary>Notes how far down each text column has been read; a cell must start where the one above ended.</summary>
    private bool MarkDone(int top, int left, int bottom, int right)
    {
        for (var c = left; c < right; c++)
        {
            if (_done[c] != top - 1) return false;
            _done[c] = bottom - 1;
        }
        return true;
    }
}

/// <summary>
/// A simple table: "=====  =====" borders whose runs of "=" mark the columns, rows of text between them, a
/// second border under the header when there is one, and lines of "-" runs under a row to join its columns.
/// A row starts at a line with text in the first column; lines with that column blank continue it. The last
/// column's text may run past its border; text in the space between two columns makes the table malformed.
/// Each line is read only as far as it goes, so the work is the text's length plus the cells'.
/// </summary>
internal sealed class RstSimpleTable
{
    private readonly List<(int Start, int End)> _columns;
    private readonly List<List<RstCell>> _rows = [];
    private readonly int _maxCells;
    private int _cells;

    private RstSimpleTable(List<(int Start, int End)> columns, int maxCells) => (_columns, _maxCells) = (columns, maxCells);

    /// <summary>A table's top border: at least two runs of "=" separated by spaces.</summary>
    public static bool IsTop(string line) => IsBorder(line) && line.TrimEnd().Contains(' ');

    private static bool IsBorder(string line) => IsRuns(line, '=');
    private static bool IsSpanLine(string line) => IsRuns(line, '-');

    private static bool IsRuns(string line, char mark)
    {
        var t = line.TrimEnd();
        return t.Length > 0 && t[0] == mark && t.All(c => c == mark || c == ' ');
    }

    /// <summary>The line of the bottom border, as docutils finds it: the third border, or a border followed
    /// by a blank line or the end; -1 when there is none.</summary>
    public static int FindEnd(string[] lines, int top)
    {
        var found = 0;
        for (var i = top + 1; i < lines.Length; i++)
        {
            if (!IsBorder(lines[i])) continue;
            found++;
            if (found == 2 || i + 1 == lines.Length || lines[i + 1].Trim().Length == 0) return i;
        }
        return -1;
    }

    /// <summary>The table from its top border to its bottom one, or null when it is malformed.</summary>
    public static RstTable? Parse(string[] block)
    {
        // No more cells than the table has characters: rows of one letter under a wide border would otherwise
        // make a few characters into thousands of empty cells, each costing its HTML and the sanitizer's time.
        var characters = block.Sum(l => l.Length + 1);
        var table = new RstSimpleTable(Runs(block[0].TrimEnd(), '='), Math.Min(characters, RstTable.MaxCells));
        var borders = Enumerable.Range(1, block.Length - 1).Where(i => IsBorder(block[i])).ToList();
        var head = 0;
        var section = 1;
        foreach (var border in borders)
        {
            if (block[border].TrimEnd() != block[0].TrimEnd()) return null; // every border as the top one
            var before = table._rows.Count;
            if (!table.ParseSection(block, section, border)) return null;
            if (table._rows.Count == before && !table.AddRow([], null)) return null; // an empty header or body is a row of empty cells
            if (border != block.Length - 1) head = table._rows.Count;
            section = border + 1;
        }
        // The last column is as wide as its longest text, which may run past the border.
        var widths = table._columns.Select(c => c.End - c.Start).ToList();
        var lastStart = table._columns[^1].Start;
        widths[^1] = Math.Max(widths[^1], block.Max(l => l.TrimEnd().Length) - lastStart);
        return new RstTable(head, widths, table._rows);
    }

    /// <summary>The runs of <paramref name="mark"/> in a line, as [start, end) pairs.</summary>
    private static List<(int Start, int End)> Runs(string line, char mark)
    {
        var runs = new List<(int, int)>();
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] != mark) continue;
            var start = i;
            while (i < line.Length && line[i] == mark) i++;
            runs.Add((start, i));
        }
        return runs;
    }

    /// <summary>The rows of lines [from, to): a row ends where the next starts, at a line of "-" runs (which
    /// joins its columns) or at the section's end.</summary>
    private bool ParseSection(string[] block, int from, int to)
    {
        var row = new List<string>();
        for (var i = from; i < to; i++)
        {
            var line = block[i].TrimEnd();
            if (IsSpanLine(line))
            {
                if (row.Count == 0 || Spans(line) is not { } spans || !AddRow(row, spans)) return false;
                row.Clear();
                continue;
            }
            var startsRow = line.AsSpan(0, Math.Min(line.Length, _columns[0].End)).Trim().Length > 0;
            if (startsRow && row.Count > 0)
            {
                if (!AddRow(row, null)) return false;
                row.Clear();
            }
            if (line.Length > 0 || row.Count > 0) row.Add(line);
        }
        return row.Count == 0 || AddRow(row, null);
    }

    /// <summary>Which columns each cell of a row covers: one each, unless a run of "-" under the row spans
    /// several (it must start and end where columns do); null when a run does not line up.</summary>
    private List<(int First, int Last)>? Spans(string line)
    {
        var spans = new List<(int First, int Last)>();
        var column = 0;
        foreach (var (start, end) in Runs(line, '-'))
        {
            while (column < _columns.Count && _columns[column].Start < start) spans.Add((column, column++));
            if (column == _columns.Count || _columns[column].Start != start) return null;
            var last = column;
            while (last + 1 < _columns.Count && _columns[last + 1].Start < end) last++;
            if (_columns[last].End != end && !(last == _columns.Count - 1 && end > _columns[last].End)) return null;
            spans.Add((column, last));
            column = last + 1;
        }
        while (column < _columns.Count) spans.Add((column, column++));
        return spans;
    }

    /// <summary>A row's cells from its lines. A line is read only up to its length; a cell the line does not
    /// reach gets a blank line before its next text, which is all a blank line means to the cell's parser.</summary>
    private bool AddRow(List<string> row, List<(int First, int Last)>? spans)
    {
        spans ??= Enumerable.Range(0, _columns.Count).Select(c => (c, c)).ToList();
        _cells += spans.Count;
        if (_cells > _maxCells) return false;
        var texts = spans.Select(_ => new List<string>()).ToArray();
        var lastLine = new int[spans.Count];
        for (var l = 0; l < row.Count; l++)
        {
            var line = row[l];
            for (var s = 0; s < spans.Count && _columns[spans[s].First].Start < line.Length; s++)
            {
                var start = _columns[spans[s].First].Start;
                var end = spans[s].Last == _columns.Count - 1 ? line.Length : Math.Min(_columns[spans[s].Last].End, line.Length);
                var gapEnd = s + 1 < spans.Count ? Math.Min(_columns[spans[s + 1].First].Start, line.Length) : end;
                if (line.AsSpan(end, gapEnd - end).Trim().Length > 0) return false; // text between columns
                var text = line[start..end];
                if (text.Trim() is "" or "\\") continue; // a backslash alone marks an empty first column that starts a row
                if (texts[s].Count > 0 && lastLine[s] < l - 1) texts[s].Add("");
                texts[s].Add(text);
                lastLine[s] = l;
            }
        }
        _rows.Add(spans.Select((span, s) => new RstCell(1, span.Last - span.First + 1, RstBlocks.CellLines(texts[s]))).ToList());
        return true;
    }
}

/// <summary>
/// Tables are aligned as they display: an East Asian wide or fullwidth character (Chinese, Japanese, Korean,
/// fullwidth forms) takes two columns. Before a table is parsed each such character gets a padding character
/// after it, so columns are counted as docutils counts them; cell text drops the padding again. A character
/// outside the Basic Multilingual Plane (most are emoji, which display wide) already takes two UTF-16 units.
/// </summary>
internal static class RstWidth
{
    private const char Pad = '\u0000';

    private static readonly (char First, char Last)[] Wide =
    [
        ('\u1100', '\u115F'), ('\u2E80', '\u303E'), ('\u3041', '\u33FF'), ('\u3400', '\u4DBF'), ('\u4E00', '\u9FFF'),
        ('\uA000', '\uA4CF'), ('\uA960', '\uA97F'), ('\uAC00', '\uD7A3'), ('\uF900', '\uFAFF'), ('\uFE10', '\uFE19'),
        ('\uFE30', '\uFE6F'), ('\uFF00', '\uFF60'), ('\uFFE0', '\uFFE6'),
    ];

    private static bool IsWide(char c) => c >= '\u1100' && Wide.Any(r => c >= r.First && c <= r.Last);

    public static List<string> Padded(IEnumerable<string> lines) => lines.Select(Padded).ToList();

    private static string Padded(string line)
    {
        if (!line.Any(IsWide)) return line;
        var padded = new System.Text.StringBuilder(line.Length * 2);
        foreach (var c in line)
        {
            padded.Append(c);
            if (IsWide(c)) padded.Append(Pad);
        }
        return padded.ToString();
    }

    public static string Unpadded(string text) => text.Contains(Pad) ? text.Replace(Pad.ToString(), "") : text;
}
