using System.Runtime.CompilerServices;

namespace Cheeseshop.Core.Integrity;

/// <summary>
/// The order of store paths as UTF-8 bytes compare: the order S3 lists keys in, SQLite's BINARY collation
/// and PostgreSQL's "C" collation sort text in, so that a listing and a database query can be merged.
/// UTF-16 ordinal order agrees with it except between surrogates (characters above U+FFFF, whose UTF-8
/// starts with 0xF0) and U+E000..U+FFFF (0xEE, 0xEF): those two ranges are swapped back here.
/// </summary>
public sealed class StorePathOrder : IComparer<string>
{
    public static readonly StorePathOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i]) return Weight(x[i]).CompareTo(Weight(y[i]));
        }
        return x.Length.CompareTo(y.Length);
    }

    private static int Weight(char c) => c >= 0xE000 ? c - 0x800 : char.IsSurrogate(c) ? c + 0x2000 : c;
}

/// <summary>What the merge found for one path: a difference, a file whose row is satisfied by the listing
/// (<see cref="Present"/>, with its row, whose content is worth hashing), or a file without a row too
/// young to call an orphan (<see cref="Young"/>).</summary>
public readonly record struct StoreOutcome<T>(Finding? Finding, ExpectedFile? Present, T? Row, bool Young);

/// <summary>
/// Compares the files the rows name with the files the store lists, both read in <see cref="StorePathOrder"/>,
/// by walking the two sequences side by side: memory stays the same whatever the number of files, where
/// holding either side whole would grow with the index. An input out of order throws when the element out
/// of place arrives, before anything is decided from it; what was decided before it rests on the order
/// holding, so a caller confirms an orphan with its rows before removing it.
/// </summary>
public static class StoreMerge
{
    /// <summary>Each row's files (a distribution and its .metadata sibling) in path order, given rows in the
    /// order of their first file's path. A sibling waits until no later row can come before it: between
    /// "x.whl" and "x.whl.metadata" sort names such as "x.whl-1".</summary>
    public static async IAsyncEnumerable<(ExpectedFile File, T Row)> FilesInOrder<T>(IAsyncEnumerable<T> rows,
        Func<T, IEnumerable<ExpectedFile>> files, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var waiting = new PriorityQueue<(ExpectedFile File, T Row), string>(StorePathOrder.Instance);
        await foreach (var row in rows.WithCancellation(ct))
        {
            var own = files(row).ToList();
            if (own.Count == 0) continue;
            var first = own.Select(f => f.Path).Min(StorePathOrder.Instance)!;
            while (waiting.TryPeek(out var next, out var path) && StorePathOrder.Instance.Compare(path, first) <= 0)
            {
                waiting.Dequeue();
                yield return next;
            }
            foreach (var f in own) waiting.Enqueue((f, row), f.Path);
        }
        while (waiting.TryDequeue(out var rest, out _)) yield return rest;
    }

    /// <summary>
    /// A file no row names is an orphan once older than <paramref name="grace"/>: an upload stores its file
    /// before its row commits, so a younger one may be about to get its row. Several rows may name one
    /// path (each is compared with the one stored file); the listing names each path once.
    /// </summary>
    public static async IAsyncEnumerable<StoreOutcome<T>> CompareAsync<T>(IAsyncEnumerable<(ExpectedFile File, T Row)> expected,
        IAsyncEnumerable<ListedFile> listed, DateTimeOffset now, TimeSpan grace, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var rows = InOrder(expected, e => e.File.Path, strictly: false, "rows").GetAsyncEnumerator(ct);
        await using var store = InOrder(listed, l => l.Path, strictly: true, "store listing").GetAsyncEnumerator(ct);
        var haveRow = await rows.MoveNextAsync();
        var haveFile = await store.MoveNextAsync();
        var named = false;
        while (haveRow || haveFile)
        {
            var order = !haveRow ? 1 : !haveFile ? -1 : StorePathOrder.Instance.Compare(rows.Current.File.Path, store.Current.Path);
            if (order < 0)
            {
                var (e, row) = rows.Current;
                yield return new StoreOutcome<T>(new Finding(e.Size is null ? FindingKinds.MissingMetadata : FindingKinds.MissingFile, e.Path,
                    $"{e.Owner} has a row but nothing is stored at this path"), null, default, false);
                haveRow = await rows.MoveNextAsync();
            }
            else if (order == 0)
            {
                var (e, row) = rows.Current;
                var file = store.Current;
                yield return e.Size is { } size && size != file.Length
                    ? new StoreOutcome<T>(new Finding(FindingKinds.SizeMismatch, e.Path, $"{e.Owner}: the row says {size} bytes, the store holds {file.Length}"), null, default, false)
                    : new StoreOutcome<T>(null, e, row, false);
                named = true;
                haveRow = await rows.MoveNextAsync();
            }
            else
            {
                if (!named) yield return Unnamed<T>(store.Current, now, grace);
                named = false;
                haveFile = await store.MoveNextAsync();
            }
        }
    }

    private static StoreOutcome<T> Unnamed<T>(ListedFile file, DateTimeOffset now, TimeSpan grace) =>
        now - file.LastModified < grace
            ? new StoreOutcome<T>(null, null, default, true)
            : new StoreOutcome<T>(new Finding(FindingKinds.OrphanFile, file.Path,
                $"stored ({file.Length} bytes, written {file.LastModified.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) but no row names it", Repairable: true),
                null, default, false);

    private static async IAsyncEnumerable<TItem> InOrder<TItem>(IAsyncEnumerable<TItem> items, Func<TItem, string> path, bool strictly, string what,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? previous = null;
        await foreach (var item in items.WithCancellation(ct))
        {
            var current = path(item);
            if (previous is not null && StorePathOrder.Instance.Compare(previous, current) is var c && (c > 0 || (strictly && c == 0)))
                throw new InvalidOperationException($"The {what} is not in path order: \"{current}\" came after \"{previous}\"; nothing after it was compared.");
            previous = current;
            yield return item;
        }
    }
}
