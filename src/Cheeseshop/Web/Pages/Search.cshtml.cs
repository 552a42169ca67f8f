using Cheeseshop.Core.Search;
using Cheeseshop.Search;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages;

/// <summary>/search/?q=WORDS&amp;c=CLASSIFIER&amp;o=ORDER&amp;page=N, as on PyPI. A refused query shows the form again
/// with the reason and its status (400, 413; 404 for a page past the last), never an error page.</summary>
public sealed class SearchModel(SearchService search) : AccountPageModel
{
    public SearchQuery? Query { get; private set; }
    public SearchResults? Results { get; private set; }
    public string Text { get; private set; } = "";
    public string Order { get; private set; } = "";
    public IReadOnlyList<string> Classifiers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "q")] string? q, [FromQuery(Name = "c")] string?[]? c,
        [FromQuery(Name = "o")] string? o, [FromQuery(Name = "page")] string? page)
    {
        Text = (q ?? "").Length > SearchQueryParser.MaxQueryLength ? "" : q ?? "";
        Order = o ?? "";
        Query = SearchQueryParser.Parse(q, c ?? [], o, page, out var problem);
        if (problem is not null) return Refused(problem.Status, problem.Message);
        Classifiers = Query!.Classifiers;
        Results = await search.SearchAsync(Query, Ct);
        if (!SearchRanking.PageExists(Query.Page, Results.Matches))
        {
            var pages = Results.PageCount;
            return Refused(404, $"There is no page {Query.Page} of this search: it has {pages} page{(pages == 1 ? "" : "s")}.");
        }
        return Page();
    }

    private IActionResult Refused(int status, string message)
    {
        Error = message;
        Results = null;
        var page = Page();
        page.StatusCode = status;
        return page;
    }

    /// <summary>This search's URL on another page, or without one of its classifiers.</summary>
    public string Link(int page, string? withoutClassifier = null)
    {
        var parts = new List<string>();
        if (Text.Length > 0) parts.Add("q=" + Uri.EscapeDataString(Text));
        parts.AddRange(Classifiers.Where(x => x != withoutClassifier).Select(x => "c=" + Uri.EscapeDataString(x)));
        if (Order.Length > 0) parts.Add("o=" + Uri.EscapeDataString(Order));
        if (page > 1) parts.Add("page=" + page);
        return "/search/" + (parts.Count == 0 ? "" : "?" + string.Join("&", parts));
    }
}
