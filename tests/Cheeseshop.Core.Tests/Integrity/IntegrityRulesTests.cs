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
    public void Compares_rows_with_the_store(string[] expected, string[] listed, string[] findings, string[] present, int young)
    {
        var e = expected.Select(s => s.Split(':')).Select(p => new ExpectedFile(p[0], p[1] == "-" ? null : long.Parse(p[1]), "x 1.0"));
        var l = listed.Select(s => s.Split(':')).Select(p => new ListedFile(p[0], long.Parse(p[1]), Now.AddMinutes(-int.Parse(p[2]))));
        var result = IntegrityRules.CompareStore(e, l, Now, Grace);
        Assert.Equal(findings, result.Findings.Select(f => $"{f.Kind} {f.Subject}"));
        Assert.Equal(present, result.Present.Select(p => p.Path));
        Assert.Equal(young, result.YoungUnreferenced);
        Assert.All(result.Findings, f => Assert.Equal(f.Kind == FindingKinds.OrphanFile, f.Repairable));
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
