using Cheeseshop.Auth;
using Cheeseshop.Core.Search;
using Cheeseshop.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Search;

/// <summary>A page of results: the hits shown, how many matched (Core caps what is shown) and the page count.</summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, long Matches, int PageCount);

/// <summary>
/// Runs a search: the exact name match (looked up by its unique name, lifted to the top by Core's rules), and
/// one page of the other matches in the database's full-text order. Two indexed queries whatever the size of
/// the index: a count bounded by the number of results shown, and one page.
/// </summary>
public sealed class SearchService(CheeseshopDb db)
{
    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var exact = SearchRanking.LiftsExact(query) ? await db.SearchExactAsync(query.ExactName!, query.Classifiers, ct) : null;
        var window = SearchRanking.Window(query.Page, exact is not null);
        var others = await db.SearchAsync(query, exact?.NormalizedName, window.Skip, window.Take, ct);
        var matches = others.Count + (exact is null ? 0 : 1);
        var hits = window.ShowExact ? [exact!, .. others.Hits] : others.Hits;
        return new SearchResults(hits, matches, SearchRanking.PageCount(matches));
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
