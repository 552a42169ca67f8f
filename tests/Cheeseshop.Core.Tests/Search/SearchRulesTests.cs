using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Search;

namespace Cheeseshop.Core.Tests.Search;

/// <summary>The search page's rules as tables: reading the parameters, the order of results, paging, the
/// release a project is found by, and the classifier filter keys.</summary>
public class SearchRulesTests
{
    // Phrases are written "a b|c": phrases separated by '|', words by spaces.
    [Theory]
    [InlineData("cheese", "cheese")]
    [InlineData("  Cheese  Shop ", "cheese|shop")]
    [InlineData("\"red cheese\" shop", "red cheese|shop")]
    [InlineData("'red cheese' shop", "red cheese|shop")]
    [InlineData("\"unclosed phrase", "unclosed|phrase")]
    [InlineData("cheese-alpha", "cheese|alpha")]
    [InlineData("cheese* OR NEAR(a b) col:x -y ^z", "cheese|or|near|a|b|col|x|y|z")]
    [InlineData("a&b|c!(d)<->e", "a|b|c|d|e")]
    [InlineData("\"\" '' \"", "")]
    [InlineData("käse Ünïcode 2.0", "käse|ünïcode|2|0")]
    [InlineData("cheese cheese", "cheese")]
    [InlineData("\"one\"", "one")]
    public void Queries_become_safe_words_and_phrases(string q, string expected)
    {
        var phrases = SearchQueryParser.Phrases(q);
        Assert.Equal(expected, string.Join("|", phrases.Select(p => string.Join(' ', p))));
        Assert.All(phrases.SelectMany(p => p), w => Assert.True(w.All(char.IsLetterOrDigit), w));
    }

    [Theory]
    [InlineData("Cheese_Alpha", "cheese-alpha")]
    [InlineData("cheese.alpha", "cheese-alpha")]
    [InlineData("cheese alpha", null)]
    [InlineData("-cheese", null)]
    [InlineData("", null)]
    public void The_exact_name_is_the_normalized_query_when_it_is_a_name(string q, string? expected) =>
        Assert.Equal(expected, SearchQueryParser.ExactNameOf(q));

    [Theory]
    [InlineData(null, 1, "")]
    [InlineData("", 1, "")]
    [InlineData("3", 3, "")]
    [InlineData("0", 0, "400 'page' must be 1 or more.")]
    [InlineData("-2", 0, "400 'page' must be 1 or more.")]
    [InlineData("two", 0, "400 'page' must be an integer.")]
    [InlineData("1.5", 0, "400 'page' must be an integer.")]
    [InlineData("99999999999999999999", 0, "400 'page' must be an integer.")]
    public void Page_numbers(string? page, int expected, string problem)
    {
        var query = SearchQueryParser.Parse("cheese", [], null, page, out var refused);
        Assert.Equal(problem, refused is null ? "" : $"{refused.Status} {refused.Message}");
        if (query is not null) Assert.Equal(expected, query.Page);
    }

    [Theory]
    [InlineData(null, SearchOrder.Relevance, null)]
    [InlineData("", SearchOrder.Relevance, null)]
    [InlineData("-created", SearchOrder.Newest, null)]
    [InlineData("created", SearchOrder.Relevance, "created")]
    [InlineData("-zscore", SearchOrder.Relevance, "-zscore")]
    public void Orders(string? o, SearchOrder expected, string? unknown)
    {
        var query = SearchQueryParser.Parse("cheese", [], o, null, out _)!;
        Assert.Equal(expected, query.Order);
        Assert.Equal(unknown, query.UnknownOrder);
    }

    [Fact]
    public void Limits_are_answered_with_a_reason()
    {
        SearchQueryParser.Parse(new string('a', 1001), [], null, null, out var tooLong);
        Assert.Equal(413, tooLong!.Status);
        Assert.NotNull(SearchQueryParser.Parse(new string('a', 1000), [], null, null, out _));
        SearchQueryParser.Parse(string.Join(' ', Enumerable.Range(0, 17).Select(i => $"w{i}")), [], null, null, out var tooMany);
        Assert.Equal("400 A search can have at most 16 words.", $"{tooMany!.Status} {tooMany.Message}");
        SearchQueryParser.Parse("x", Enumerable.Range(0, 11).Select(i => (string?)$"Topic :: {i}").ToList(), null, null, out var classifiers);
        Assert.Equal(400, classifiers!.Status);
        SearchQueryParser.Parse("x", [new string('c', 301)], null, null, out var longClassifier);
        Assert.Equal(400, longClassifier!.Status);
    }

    [Fact]
    public void Classifier_filters_are_trimmed_spaced_and_deduplicated()
    {
        var query = SearchQueryParser.Parse("", [" Framework::Django ", "", null, "Framework :: Django"], null, null, out _)!;
        Assert.Equal(["Framework :: Django"], query.Classifiers);
        Assert.False(query.HasWords);
    }

    [Theory]
    [InlineData(1, false, false, 0, 20)]
    [InlineData(2, false, false, 20, 20)]
    [InlineData(1, true, true, 0, 19)]
    [InlineData(2, true, false, 19, 20)]
    [InlineData(3, true, false, 39, 20)]
    [InlineData(500, false, false, 9980, 20)]
    [InlineData(501, false, false, 10_000, 0)]
    [InlineData(int.MaxValue, true, false, 10_000, 0)]
    public void Windows(int page, bool exactFound, bool showExact, int skip, int take) =>
        Assert.Equal(new SearchWindow(showExact, skip, take), SearchRanking.Window(page, exactFound));

    [Theory]
    [InlineData(0, 0, true, false)]
    [InlineData(1, 1, true, false)]
    [InlineData(20, 1, true, false)]
    [InlineData(21, 2, true, true)]
    [InlineData(10_000, 500, true, true)]
    [InlineData(250_000, 500, true, true)]
    public void Page_counts_stop_at_ten_thousand_results(long matches, int pages, bool firstExists, bool secondExists)
    {
        Assert.Equal(pages, SearchRanking.PageCount(matches));
        Assert.Equal(firstExists, SearchRanking.PageExists(1, matches));
        Assert.Equal(secondExists, SearchRanking.PageExists(2, matches));
        Assert.False(SearchRanking.PageExists(pages + 1, matches) && pages > 0);
    }

    [Theory]
    [InlineData("cheese", "", 5000, SearchOrder.Relevance)]
    [InlineData("cheese", "", 5001, SearchOrder.Newest)]
    [InlineData("cheese", "-created", 3, SearchOrder.Newest)]
    [InlineData("", "", 90000, SearchOrder.Relevance)]
    public void Relevance_past_the_rank_limit_lists_newest_first(string q, string o, long matches, SearchOrder expected) =>
        Assert.Equal(expected, SearchRanking.EffectiveOrder(SearchQueryParser.Parse(q, [], o, null, out _)!, matches));

    private sealed record R(string Version, bool Yanked, bool Files);

    // Releases are "version[y][-]": y yanked, - no files.
    [Theory]
    [InlineData("1.0 2.0 1.5", "2.0")]
    [InlineData("1.0 2.0y", "1.0")]
    [InlineData("1.0 2.0-", "1.0")]
    [InlineData("1.0 2.0rc1", "1.0")]
    [InlineData("2.0rc1 2.0b1", "2.0rc1")]
    [InlineData("1.0y 2.0-", "")]
    [InlineData("", "")]
    [InlineData("1.10 1.9", "1.10")]
    public void The_release_a_project_is_found_by(string releases, string expected)
    {
        var list = releases.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => new R(r.TrimEnd('y', '-'), r.Contains('y'), !r.EndsWith('-'))).ToList();
        var chosen = SearchRanking.ChooseRelease(list, r => PackageVersion.Parse(r.Version), r => r.Yanked, r => r.Files);
        Assert.Equal(expected, chosen?.Version ?? "");
    }

    [Theory]
    [InlineData("Framework :: Django :: 5.0", "Framework|Framework :: Django|Framework :: Django :: 5.0")]
    [InlineData("Topic :: Utilities;Topic :: Games", "Topic|Topic :: Games|Topic :: Utilities")]
    [InlineData("Private ::  Do Not Upload", "Private|Private :: Do Not Upload")]
    [InlineData("Broken :: :: Thing", "")]
    [InlineData("", "")]
    public void Classifier_keys_are_every_prefix(string classifiers, string expected)
    {
        var keys = SearchRanking.ClassifierKeys(classifiers.Split(';', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(expected, string.Join("|", keys));
    }

    [Theory]
    [InlineData("Framework", "c4672616d65776f726b")]
    [InlineData("Framework :: Django", "c4672616d65776f726b203a3a20446a616e676f")]
    [InlineData("Natural Language :: Français", "c4e61747572616c204c616e6775616765203a3a204672616ec3a7616973")]
    public void A_classifier_key_is_one_full_text_term(string key, string expected)
    {
        Assert.Equal(expected, SearchRanking.ClassifierTerm(key));
        Assert.Matches("^c[0-9a-f]+$", SearchRanking.ClassifierTerm(key));
    }

    [Fact]
    public void Classifier_terms_are_distinct_for_distinct_keys_and_space_separated()
    {
        var keys = SearchRanking.ClassifierKeys(["Framework :: Django :: 5.0", "Framework :: Djan :: go", "Topic :: Utilities"]);
        var terms = SearchRanking.ClassifierTerms(keys).Split(' ');
        Assert.Equal(keys.Count, terms.Length);
        Assert.Equal(terms.Length, terms.Distinct().Count());
        Assert.Equal("", SearchRanking.ClassifierTerms([]));
    }
}
