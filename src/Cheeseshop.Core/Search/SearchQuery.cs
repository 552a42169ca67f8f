using System.Globalization;
using System.Text;
using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Search;

/// <summary>How results are ordered: <c>o=</c> empty (relevance) or <c>-created</c> (newest release first).</summary>
public enum SearchOrder
{
    Relevance,
    Newest,
}

/// <summary>
/// A search as the page's parameters ask for it, reduced to what a database can run safely: the words and
/// quoted phrases (letters and digits only, so no full-text syntax reaches a database), the normalized
/// name an exact match would have, the classifiers every result must carry, the order and the page.
/// </summary>
public sealed record SearchQuery(
    IReadOnlyList<IReadOnlyList<string>> Phrases,
    string? ExactName,
    IReadOnlyList<string> Classifiers,
    SearchOrder Order,
    int Page,
    string? UnknownOrder)
{
    /// <summary>True when the query has words to match; without them every project (under the classifiers) is listed.</summary>
    public bool HasWords => Phrases.Count > 0;
}

/// <summary>Why a search cannot run, with the HTTP status and a sentence for the person who asked.</summary>
public sealed record SearchProblem(int Status, string Message);

/// <summary>Reads <c>q</c>, <c>c</c>, <c>o</c> and <c>page</c> as PyPI's search page does, with limits that keep every query cheap.</summary>
public static class SearchQueryParser
{
    /// <summary>PyPI refuses longer queries ("Query string too long.", 413).</summary>
    public const int MaxQueryLength = 1000;
    /// <summary>Each word is one more posting list to intersect; a real search needs far fewer.</summary>
    public const int MaxWords = 16;
    public const int MaxClassifiers = 10;
    /// <summary>The longest trove classifier is under 150 characters.</summary>
    public const int MaxClassifierLength = 300;

    public static SearchQuery? Parse(string? q, IReadOnlyList<string?> c, string? o, string? page, out SearchProblem? problem)
    {
        problem = null;
        var text = (q ?? "").Trim();
        if (text.Length > MaxQueryLength)
        {
            problem = new SearchProblem(413, $"Query string too long: a search can be at most {MaxQueryLength} characters.");
            return null;
        }
        if (!TryPage(page, out var pageNumber, out problem)) return null;
        var classifiers = c.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => SearchRanking.ClassifierKey(x!.Trim())).Distinct(StringComparer.Ordinal).ToList();
        if (classifiers.Count > MaxClassifiers)
        {
            problem = new SearchProblem(400, $"Choose at most {MaxClassifiers} classifiers to filter by.");
            return null;
        }
        if (classifiers.FirstOrDefault(x => x.Length > MaxClassifierLength) is not null)
        {
            problem = new SearchProblem(400, $"A classifier is at most {MaxClassifierLength} characters long.");
            return null;
        }
        var phrases = Phrases(text);
        if (phrases.Sum(p => p.Count) > MaxWords)
        {
            problem = new SearchProblem(400, $"A search can have at most {MaxWords} words.");
            return null;
        }
        var (order, unknown) = OrderOf(o);
        return new SearchQuery(phrases, ExactNameOf(text), classifiers, order, pageNumber, unknown);
    }

    private static bool TryPage(string? page, out int number, out SearchProblem? problem)
    {
        problem = null;
        number = 1;
        if (string.IsNullOrEmpty(page)) return true;
        if (!int.TryParse(page, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            problem = new SearchProblem(400, "'page' must be an integer.");
            return false;
        }
        if (number < 1)
        {
            problem = new SearchProblem(400, "'page' must be 1 or more.");
            return false;
        }
        return true;
    }

    /// <summary>An empty order is relevance and <c>-created</c> newest first, PyPI's two choices; anything else
    /// is answered by relevance, as PyPI does, and named so the page can say so.</summary>
    private static (SearchOrder Order, string? Unknown) OrderOf(string? o) => (o ?? "").Trim() switch
    {
        "" => (SearchOrder.Relevance, null),
        "-created" => (SearchOrder.Newest, null),
        var other => (SearchOrder.Relevance, other),
    };

    /// <summary>The whole query, when it is a valid project name, in normalized form: the one project ranked first.</summary>
    public static string? ExactNameOf(string text) =>
        text.Length > 0 && ProjectName.IsValid(text) ? ProjectName.Normalize(text) : null;

    /// <summary>
    /// As PyPI: an apostrophe counts as a double quote; text in double quotes is a phrase, the rest single
    /// words. A word is a run of letters and digits; every other character separates words, so operators
    /// of any full-text syntax (quotes, *, :, -, &amp;, |, parentheses, NEAR) are never passed on.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Phrases(string text)
    {
        var result = new List<IReadOnlyList<string>>();
        var parts = text.Replace('\'', '"').Split('"');
        for (var i = 0; i < parts.Length; i++)
        {
            var words = Words(parts[i]);
            // Odd parts sit between quotes. An unclosed quote leaves its text as single words.
            var quoted = i % 2 == 1 && i < parts.Length - 1;
            if (quoted && words.Count > 1) result.Add(words);
            else result.AddRange(words.Select(w => (IReadOnlyList<string>)[w]));
        }
        return result.DistinctBy(p => string.Join(' ', p)).ToList();
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune)) current.Append(rune.ToString());
            else Flush();
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString().ToLowerInvariant());
            current.Clear();
        }
    }
}
