namespace Cheeseshop.Data.Entities;

/// <summary>
/// What a project is found by: its latest release's name, version, summary, keywords and description
/// (Core.Search.SearchRanking.ChooseRelease), rewritten in the transaction of every change to its releases
/// (Search/SearchIndexer). Each database indexes it its own way, in its migrations: SQLite an FTS5 table kept
/// by triggers, PostgreSQL generated text-search vectors with a GIN index. A project with no such release has no row.
/// </summary>
public sealed class SearchDocument
{
    /// <summary>An integer key: SQLite's full-text table refers to rows by it, and it never changes.</summary>
    public long Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required string NormalizedName { get; set; }
    public required string Version { get; set; }
    public string? Summary { get; set; }
    public string? Keywords { get; set; }
    /// <summary>The first Core.Search.SearchRanking.IndexedDescriptionChars characters.</summary>
    public string? Description { get; set; }
    /// <summary>When the release was created: the order of <c>o=-created</c> and the date shown.</summary>
    public DateTime Created { get; set; }
    /// <summary>The release's classifier filter keys as full-text terms (Core.Search.SearchRanking.ClassifierTerms),
    /// so a search by words and classifiers is answered by the full-text index alone. The same keys are rows of
    /// <see cref="SearchClassifier"/>, which a filter by classifiers without words reads.</summary>
    public string? ClassifierTerms { get; set; }
}

/// <summary>A classifier filter key of a project's latest release (Core.Search.SearchRanking.ClassifierKeys).</summary>
public sealed class SearchClassifier
{
    public required string Classifier { get; set; }
    public Guid ProjectId { get; set; }
}
