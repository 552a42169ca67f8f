using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Search;

/// <summary>One project in the results: its latest release's version, summary and date, and how well it matched
/// (higher is better; the database decides the scale).</summary>
public sealed record SearchHit(string Name, string NormalizedName, string Version, string? Summary, DateTime Created, double Score);

/// <summary>Which part of the ordered results a page shows: the exact name match (if any, it comes first on
/// page 1) and, from the other matches in the database's order, how many to skip and take.</summary>
public sealed record SearchWindow(bool ShowExact, int Skip, int Take);

/// <summary>
/// The order of search results and how they are paged. By relevance, a project whose normalized name is the
/// query comes first, then the best matches (name, then summary and keywords, weigh most; a match in the
/// description alone least), ties by name. With <c>o=-created</c>, the newest latest release first, as PyPI's
/// "Date last updated", ties by name, and no project is lifted. The database's ORDER BY orders the matches
/// other than the exact one; these rules say where that one goes and what a page is.
/// </summary>
public static class SearchRanking
{
    public const int PageSize = 20;
    /// <summary>As on PyPI, results past the ten thousandth are not shown: no person pages that far, and deep
    /// pages cost the database the whole ranking.</summary>
    public const int MaxResults = 10_000;
    /// <summary>How much of a description is indexed: enough for any README's words, and a bound on the index
    /// entry (PostgreSQL refuses a text-search vector over 1 MB).</summary>
    public const int IndexedDescriptionChars = 100_000;
    /// <summary>Relevance scores every match before it can pick the best; past this many matches that costs more
    /// than a page may (a word in nearly every project), so such a search lists its matches newest first (the
    /// exact name still first) and the page says so: more words narrow it to a ranked set.</summary>
    public const int RankLimit = 5_000;

    /// <summary>The order the other matches are listed in: relevance falls back to newest first past <see cref="RankLimit"/>.</summary>
    public static SearchOrder EffectiveOrder(SearchQuery query, long matches) =>
        query.Order == SearchOrder.Relevance && query.HasWords && matches > RankLimit ? SearchOrder.Newest : query.Order;

    /// <summary>Whether the exact match is looked up at all: only by relevance, and only for a query that is a name.</summary>
    public static bool LiftsExact(SearchQuery query) => query.Order == SearchOrder.Relevance && query.ExactName is not null && query.HasWords;

    /// <summary>Page <paramref name="page"/> of the results when the exact match was (or was not) found; the other
    /// matches exclude it, so after page 1 they start one place earlier.
    /// A page past the shown results asks for nothing (and is answered as missing).</summary>
    public static SearchWindow Window(int page, bool exactFound)
    {
        if ((long)(page - 1) * PageSize >= MaxResults) return new SearchWindow(false, MaxResults, 0);
        var start = (page - 1) * PageSize;
        if (!exactFound) return new SearchWindow(false, start, PageSize);
        return page == 1 ? new SearchWindow(true, 0, PageSize - 1) : new SearchWindow(false, start - 1, PageSize);
    }

    /// <summary>Results shown: the matches, at most <see cref="MaxResults"/>.</summary>
    public static int Shown(long matches) => (int)Math.Min(matches, MaxResults);

    public static int PageCount(long matches) => (Shown(matches) + PageSize - 1) / PageSize;

    /// <summary>Page 1 always exists (it may say nothing matched); a later one only when results reach it.</summary>
    public static bool PageExists(int page, long matches) => page == 1 || page <= PageCount(matches);

    /// <summary>
    /// The release a project is found by, as PyPI indexes it: not yanked and with at least one file; finals before
    /// pre-releases; then the highest version. None when no release qualifies, and then the project is not found.
    /// </summary>
    public static T? ChooseRelease<T>(IEnumerable<T> releases, Func<T, PackageVersion> version, Func<T, bool> yanked, Func<T, bool> hasFiles)
        where T : class =>
        releases.Where(r => !yanked(r) && hasFiles(r))
            .OrderBy(r => version(r).IsPrerelease)
            .ThenByDescending(version)
            .FirstOrDefault();

    /// <summary>
    /// The filter keys of a release's classifiers: each classifier and every shorter prefix of it at a " :: "
    /// boundary, so a filter by "Framework :: Django" finds "Framework :: Django :: 5.0" (as PyPI's filter
    /// does) by one equality, which every database indexes the same way.
    /// </summary>
    public static IReadOnlyList<string> ClassifierKeys(IEnumerable<string> classifiers)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in classifiers)
        {
            var parts = raw.Split("::", StringSplitOptions.TrimEntries);
            if (parts.Any(p => p.Length == 0)) continue;
            for (var i = 1; i <= parts.Length; i++)
            {
                var key = string.Join(" :: ", parts.Take(i));
                if (key.Length <= SearchQueryParser.MaxClassifierLength) keys.Add(key);
            }
        }
        return keys.ToList();
    }

    /// <summary>
    /// A filter key as one full-text term: "c" and the hexadecimal of its UTF-8 bytes, so that a search by words and
    /// classifiers is one full-text match (the index intersects the two lists) instead of a lookup per matching
    /// project. Every tokenizer keeps it whole (letters and digits only), it cannot be mistaken for another key, and
    /// a stemmer has nothing to cut: of the English suffixes only "ed" is hexadecimal, and a key's bytes never end
    /// with 0xED (it starts a three-byte UTF-8 sequence). Databases compute the same term in the migration that
    /// adds it (SQLite's <c>hex()</c> upper-case: the tokenizer folds case).
    /// </summary>
    public static string ClassifierTerm(string key) => "c" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(key));

    /// <summary>The terms of a document's filter keys, space-separated, in the keys' order.</summary>
    public static string ClassifierTerms(IEnumerable<string> keys) => string.Join(' ', keys.Select(ClassifierTerm));

    /// <summary>The filter key a <c>c=</c> value is looked up by: spaced as the stored keys are.</summary>
    public static string ClassifierKey(string classifier) => string.Join(" :: ", classifier.Split("::", StringSplitOptions.TrimEntries));
}
