namespace Cheeseshop.Core.Packaging;

/// <summary>The representations of the Simple API (PEP 503 HTML, PEP 691 JSON).</summary>
public enum SimpleFormat { Html, HtmlV1, JsonV1 }

/// <summary>
/// PEP 691 content negotiation: the client's Accept header, with q-values, picks one of the formats
/// we offer; no Accept, or nothing acceptable, gives plain text/html (never 406), and equal q-values
/// prefer HTML as warehouse does. A `format` query parameter, when given, wins.
/// </summary>
public static class SimpleNegotiation
{
    public const string HtmlType = "text/html";
    public const string HtmlV1Type = "application/vnd.pypi.simple.v1+html";
    public const string JsonV1Type = "application/vnd.pypi.simple.v1+json";

    public static string ContentType(SimpleFormat f) => f switch
    {
        SimpleFormat.JsonV1 => JsonV1Type,
        SimpleFormat.HtmlV1 => HtmlV1Type,
        _ => HtmlType,
    };

    public static SimpleFormat Choose(string? accept, string? formatParameter = null)
    {
        // An unescaped '+' in a query string arrives as a space; take it back.
        if (!string.IsNullOrEmpty(formatParameter) && Match(formatParameter.Trim().Replace(' ', '+')) is { } forced) return forced;
        if (string.IsNullOrWhiteSpace(accept)) return SimpleFormat.Html;

        SimpleFormat? best = null;
        double bestQ = 0;
        var bestRank = int.MaxValue;
        foreach (var part in accept.Split(','))
        {
            var pieces = part.Split(';');
            var type = pieces[0].Trim().ToLowerInvariant();
            var q = 1.0;
            foreach (var p in pieces.Skip(1))
            {
                var kv = p.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim() == "q" &&
                    double.TryParse(kv[1].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                    q = Math.Clamp(parsed, 0, 1);
            }
            if (q <= 0) continue;
            foreach (var (format, rank) in Candidates(type))
            {
                if (q > bestQ || (q == bestQ && rank < bestRank))
                {
                    best = format;
                    bestQ = q;
                    bestRank = rank;
                }
            }
        }
        return best ?? SimpleFormat.Html;
    }

    private static SimpleFormat? Match(string type) => type.ToLowerInvariant() switch
    {
        HtmlType => SimpleFormat.Html,
        HtmlV1Type or "application/vnd.pypi.simple.latest+html" => SimpleFormat.HtmlV1,
        JsonV1Type or "application/vnd.pypi.simple.latest+json" => SimpleFormat.JsonV1,
        _ => null,
    };

    /// <summary>Formats a media range covers, with the tie-break rank (lower wins): HTML first.</summary>
    private static IEnumerable<(SimpleFormat, int)> Candidates(string range)
    {
        if (Match(range) is { } exact)
        {
            yield return (exact, exact switch { SimpleFormat.Html => 0, SimpleFormat.HtmlV1 => 1, _ => 2 });
            yield break;
        }
        if (range is "*/*" or "text/*") yield return (SimpleFormat.Html, 0);
        if (range is "*/*" or "application/*")
        {
            yield return (SimpleFormat.HtmlV1, 1);
            yield return (SimpleFormat.JsonV1, 2);
        }
    }
}
