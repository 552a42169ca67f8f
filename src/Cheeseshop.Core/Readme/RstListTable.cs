namespace Cheeseshop.Core.Readme;

/// <summary>
/// The list-table directive, which READMEs use for badge and compatibility tables: a bullet list of rows,
/// each a bullet list of cells, with the options header-rows and widths and an optional title (the caption).
/// Rows of different lengths, or anything but such lists, make the table malformed: it is then shown as
/// its source text.
/// </summary>
internal sealed partial class RstBlocks
{
    private void ListTable(string first, List<string> body)
    {
        var title = first[(first.IndexOf("::", StringComparison.Ordinal) + 2)..].Trim();
        var table = depth < RstRenderer.MaxDepth ? ParseListTable(body) : null;
        if (table is null)
        {
            Preformatted([first, .. body.Select(l => l.Length == 0 ? l : "   " + l)]);
            return;
        }
        RenderTable(table, title.Length > 0 ? title : null);
    }

    private static RstTable? ParseListTable(List<string> body)
    {
        var options = body.TakeWhile(l => l.StartsWith(':')).ToList();
        var rows = BulletItems(body.Skip(options.Count).ToList());
        if (rows is null || rows.Count == 0) return null;
        var cells = new List<List<RstCell>>();
        foreach (var row in rows)
        {
            if (BulletItems(row) is not { Count: > 0 } items || (cells.Count > 0 && items.Count != cells[0].Count)) return null;
            if ((long)items.Count * (cells.Count + 1) > RstTable.MaxCells) return null;
            cells.Add(items.Select(item => new RstCell(1, 1, CellLines(item))).ToList());
        }
        var columns = cells[0].Count;
        var head = Option(options, "header-rows") is { } h ? int.TryParse(h, out var n) && n >= 0 && n <= cells.Count ? n : -1 : 0;
        var widths = (Option(options, "widths") ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => int.TryParse(w, out var v) && v > 0 ? v : 0).ToList();
        if (widths.Count != columns || widths.Contains(0)) widths = Enumerable.Repeat(1, columns).ToList();
        return head < 0 ? null : new RstTable(head, widths, cells);
    }

    private static string? Option(List<string> options, string name) =>
        options.FirstOrDefault(o => o.StartsWith($":{name}:", StringComparison.Ordinal)) is { } o ? o[(name.Length + 2)..].Trim() : null;

    /// <summary>The items of a bullet list that is all these lines hold (blank lines aside), each item's lines
    /// as a list item takes them; null when anything else is there. A bullet alone on its line is an empty item.</summary>
    private static List<List<string>>? BulletItems(List<string> block)
    {
        var items = new List<List<string>>();
        var bullet = '\0';
        for (var at = 0; at < block.Count;)
        {
            var line = block[at];
            if (IsBlank(line)) { at++; continue; }
            var marker = line.Length == 1 && "-*+".Contains(line[0]) ? 1 : RstText.BulletMarker(line);
            if (marker == 0 || (bullet != '\0' && line[0] != bullet) || items.Count >= RstTable.MaxCells) return null;
            bullet = line[0];
            items.Add(TakeItem(block, ref at, marker));
        }
        return items;
    }
}
