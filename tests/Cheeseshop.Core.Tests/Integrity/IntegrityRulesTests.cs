using Cheeseshop.Core.Integrity;

namespace Cheeseshop.Core.Tests.Integrity;

public sealed class IntegrityRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(60);

    // Listed files: "path:length:minutes old". Expected: "path:size" (size "-" for a .metadata file).
    public static TheoryData<string[], string[], string[], string[], int> StoreCases => new()
    {
        // expected, listed, findings ("kind path"), present paths, young files without a row
        { ["a/x.whl:10", "a/x.whl.metadata:-"], ["a/x.whl:10:500", "a/x.whl.metadata:3:500"], [], ["a/x.whl", "a/x.whl.metadata"], 0 },
        { ["a/x.whl:10"], [], ["missing-file a/x.whl"], [], 0 },
        { ["a/x.whl:10", "a/x.whl.metadata:-"], ["a/x.whl:10:500"], ["missing-metadata a/x.whl.metadata"], ["a/x.whl"], 0 },
        { ["a/x.whl:10"], ["a/x.whl:9:500"], ["size-mismatch a/x.whl"], [], 0 },
        // A file without a row is an orphan once past the grace, however it is named.
        { [], ["b/y.tar.gz:5:61", "b/z.whl.metadata:5:90"], ["orphan-file b/y.tar.gz", "orphan-file b/z.whl.metadata"], [], 0 },
        // Younger: an upload may be about to commit its row.
        { [], ["b/y.tar.gz:5:59"], [], [], 1 },
        { ["a/x.whl:10"], ["a/x.whl:10:0", "c/w.whl:1:0", "d/v.whl:1:1000"], ["orphan-file d/v.whl"], ["a/x.whl"], 1 },
    };

    [Theory]
    [MemberData(nameof(StoreCases))]
    public async Task Compares_rows_with_the_store(string[] expected, string[] listed, string[] findings, string[] present, int young)
    {
        var e = expected.Select(s => s.Split(':')).Select(p => (new ExpectedFile(p[0], p[1] == "-" ? null : long.Parse(p[1]), "x 1.0"), p[0]));
        var l = listed.Select(s => s.Split(':')).Select(p => new ListedFile(p[0], long.Parse(p[1]), Now.AddMinutes(-int.Parse(p[2]))));
        var result = await StoreMerge.CompareAsync(e.ToAsyncEnumerable(), l.ToAsyncEnumerable(), Now, Grace).ToListAsync();
        Assert.Equal(findings, result.Where(r => r.Finding is not null).Select(r => $"{r.Finding!.Kind} {r.Finding.Subject}"));
        Assert.Equal(present, result.Where(r => r.Present is not null).Select(r => r.Present!.Path));
        Assert.All(result.Where(r => r.Present is not null), r => Assert.Equal(r.Present!.Path, r.Row));
        Assert.Equal(young, result.Count(r => r.Young));
        Assert.All(result.Where(r => r.Finding is not null), r => Assert.Equal(r.Finding!.Kind == FindingKinds.OrphanFile, r.Finding.Repairable));
    }

    public static TheoryData<string[], string[]> OrderCases => new()
    {
        // rows, each "path" or "path+metadata"; the files in the order the merge needs them
        { ["a/x.whl+metadata", "a/x.whl-1"], ["a/x.whl", "a/x.whl-1", "a/x.whl.metadata"] },
        { ["a/x.whl+metadata", "a/x.whl.metadata2+metadata"], ["a/x.whl", "a/x.whl.metadata", "a/x.whl.metadata2", "a/x.whl.metadata2.metadata"] },
        { ["a/x.tar.gz", "a/y.whl+metadata", "b/z.whl+metadata"], ["a/x.tar.gz", "a/y.whl", "a/y.whl.metadata", "b/z.whl", "b/z.whl.metadata"] },
        { [], [] },
    };

    [Theory]
    [MemberData(nameof(OrderCases))]
    public async Task Puts_each_metadata_file_where_its_path_sorts(string[] rows, string[] files)
    {
        var ordered = StoreMerge.FilesInOrder(rows.ToAsyncEnumerable(), r => r.EndsWith("+metadata", StringComparison.Ordinal)
            ? [new ExpectedFile(r[..^9], 1, r), new ExpectedFile(r[..^9] + ".metadata", null, r)]
            : [new ExpectedFile(r, 1, r)]);
        Assert.Equal(files, (await ordered.ToListAsync()).Select(f => f.File.Path));
    }

    public static TheoryData<string, string, int> PathOrderCases => new()
    {
        // As UTF-8 bytes compare: '-' (0x2D) < '.' (0x2E) < '/' (0x2F) < '0'; a prefix first.
        { "a/x.whl", "a/x.whl.metadata", -1 },
        { "a-b/c", "a/b", -1 },
        { "a.b", "a/b", -1 },
        { "ab", "ab", 0 },
        // U+FFFD (EF BF BD) before U+1F600 (F0 9F 98 80), though its UTF-16 unit is the larger.
        { "a\uFFFD", "a\U0001F600", -1 },
        { "\u00E9", "\uE000", -1 },
    };

    [Theory]
    [MemberData(nameof(PathOrderCases))]
    public void Orders_paths_as_utf8_bytes(string x, string y, int sign)
    {
        var (a, b) = (System.Text.RegularExpressions.Regex.Unescape(x), System.Text.RegularExpressions.Regex.Unescape(y));
        Assert.Equal(sign, Math.Sign(StorePathOrder.Instance.Compare(a, b)));
        Assert.Equal(-sign, Math.Sign(StorePathOrder.Instance.Compare(b, a)));
        Assert.Equal(sign, Math.Sign(System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b))));
    }

    [Theory]
    [InlineData(new[] { "b/y.whl", "a/x.whl" }, new string[0], "rows", 1)]
    [InlineData(new string[0], new[] { "b/y.whl", "a/x.whl" }, "store listing", 1)]
    [InlineData(new string[0], new[] { "a/x.whl", "a/x.whl" }, "store listing", 1)]
    [InlineData(new[] { "a/x.whl", "c/z.whl", "b/y.whl" }, new[] { "a/x.whl" }, "rows", 1)]
    public async Task Refuses_input_out_of_order_before_deciding_from_it(string[] rows, string[] listed, string which, int before)
    {
        var e = rows.Select(p => (new ExpectedFile(p, 1, "x 1.0"), p));
        var l = listed.Select(p => new ListedFile(p, 1, Now.AddDays(-2)));
        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var o in StoreMerge.CompareAsync(e.ToAsyncEnumerable(), l.ToAsyncEnumerable(), Now, Grace))
                if (o.Finding is { } f) seen.Add(f.Subject);
        });
        Assert.Contains($"The {which} is not in path order", error.Message);
        // Only what came before the element out of place: nothing is decided from it.
        Assert.Equal(before, seen.Count);
    }

    public static TheoryData<string[], string[], string[]> SerialCases => new()
    {
        // projects "name:last_serial", journal "display name:newest id", findings
        { ["cheese:7"], ["cheese:7"], [] },
        { ["cheese:6"], ["cheese:7"], ["serial-mismatch: cheese: last_serial is 6 but its newest journal entry is 7"] },
        // Display names of other days normalize to the same project; the newest of them counts.
        { ["cheese-shop:9"], ["Cheese_Shop:9", "cheese.shop:4"], [] },
        { ["cheese-shop:4"], ["Cheese_Shop:9", "cheese.shop:4"], ["serial-mismatch: cheese-shop: last_serial is 4 but its newest journal entry is 9"] },
        // No journal row: nothing to compare with. A journal name without a project: removed, left alone.
        { ["brie:0"], ["gone:3"], [] },
    };

    [Theory]
    [MemberData(nameof(SerialCases))]
    public void Compares_last_serials_with_the_journal(string[] projects, string[] journal, string[] findings)
    {
        var p = projects.Select(s => s.Split(':')).Select(x => (x[0], long.Parse(x[1])));
        var j = journal.Select(s => s.Split(':')).Select(x => (x[0], long.Parse(x[1])));
        Assert.Equal(findings, IntegrityRules.CompareSerials(p, j).Select(f => f.ToString()));
    }

    public static TheoryData<long[], string[]> GapCases => new()
    {
        // serial and the next one present, pairs flattened; findings
        { [], [] },
        { [4, 5], [] },
        { [4, 6], ["journal-gap: journal 4..6: serial 5 is missing"] },
        { [9, 13, 2, 4], ["journal-gap: journal 2..4: serial 3 is missing", "journal-gap: journal 9..13: serials 10 to 12 are missing"] },
    };

    [Theory]
    [MemberData(nameof(GapCases))]
    public void Finds_gaps_in_the_journal(long[] pairs, string[] findings)
    {
        var p = pairs.Chunk(2).Select(c => (c[0], c[1]));
        Assert.Equal(findings, IntegrityRules.JournalGaps(p).Select(f => f.ToString()));
    }
}
