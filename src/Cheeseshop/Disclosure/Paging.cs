using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// Reads a large query in pages by id (keyset: "id greater than the last one seen"), so a subject's
/// history streams through in fixed memory, and no reader stays open between pages: a generator may run
/// other queries while it handles a page (PostgreSQL allows one open command per connection).
/// </summary>
internal static class Paging
{
    public const int PageSize = 2000;

    /// <param name="pageAfter">The query for rows with id greater than the argument, ordered by id.</param>
    public static async IAsyncEnumerable<IReadOnlyList<T>> PagesAsync<T>(Func<long, IQueryable<T>> pageAfter, Func<T, long> idOf,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var last = long.MinValue;
        while (true)
        {
            var page = await pageAfter(last).Take(PageSize).ToListAsync(ct);
            if (page.Count > 0) yield return page;
            if (page.Count < PageSize) yield break;
            last = idOf(page[^1]);
        }
    }

    /// <summary>
    /// Pages in (time, id) order, for tables whose index is (owner, time): such an index already holds
    /// the rows in that order (SQLite appends the rowid to every index), so no page needs a sort, where
    /// ordering by id alone would sort the owner's whole history once per page.
    /// </summary>
    /// <param name="pageAfter">The query for rows after the given (time, id) (null: from the first), ordered by time then id.</param>
    public static async IAsyncEnumerable<IReadOnlyList<T>> PagesByTimeAsync<T>(Func<(DateTime Time, long Id)?, IQueryable<T>> pageAfter,
        Func<T, (DateTime Time, long Id)> keyOf, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        (DateTime, long)? last = null;
        while (true)
        {
            var page = await pageAfter(last).Take(PageSize).ToListAsync(ct);
            if (page.Count > 0) yield return page;
            if (page.Count < PageSize) yield break;
            last = keyOf(page[^1]);
        }
    }
}
