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
}
