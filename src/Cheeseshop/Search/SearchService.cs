using Cheeseshop.Auth;
using Cheeseshop.Core.Search;
using Cheeseshop.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Search;

/// <summary>A page of results: the hits shown, how many matched (Core caps what is shown), the page count, and
/// whether a relevance search had too many matches to rank (and lists them newest first).</summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, long Matches, int PageCount, bool TooManyToRank);

/// <summary>
/// Runs a search: the exact name match (looked up by its unique name, lifted to the top by Core's rules), a
/// count of the matches bounded by the number of results shown, and one page of the other matches, ranked by
/// the database's full text when Core's limit allows, else newest first. Each is an indexed query.
/// </summary>
public sealed class SearchService(CheeseshopDb db)
{
    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var exact = SearchRanking.LiftsExact(query) ? await db.SearchExactAsync(query.ExactName!, query.Classifiers, ct) : null;
        // The full-text count includes the exact match when its name holds the words, as it does when it is found.
        var matches = Math.Max(await db.CountSearchAsync(query, ct), exact is null ? 0 : 1);
        var order = SearchRanking.EffectiveOrder(query, matches);
        var window = SearchRanking.Window(query.Page, exact is not null);
        var others = window.Take == 0 || matches == 0 ? []
            : await db.SearchPageAsync(query, order, exact?.NormalizedName, window.Skip, window.Take, matches > SearchRanking.RankLimit, ct);
        var hits = window.ShowExact ? [exact!, .. others] : others;
        return new SearchResults(hits, matches, SearchRanking.PageCount(matches), order != query.Order);
    }
}

public static class SearchRegistration
{
    /// <summary>The search service, and the search page marked as a read of the index: a private index asks for
    /// credentials before it runs, as for the Simple API (Auth/IndexAccess).</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<SearchService>();
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageApplicationModelConvention("/Search",
            page => page.EndpointMetadata.Add(IndexAccess.ReadEndpoint.Marker)));
        return services;
    }
}
