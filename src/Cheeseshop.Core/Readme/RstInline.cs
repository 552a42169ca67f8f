using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Readme;

/// <summary>reStructuredText inline markup inside one paragraph, title or list item.</summary>
internal static partial class RstInline
{
    // One alternation, tried left to right: literal, strong, emphasis, embedded link, named
    // reference in backquotes, plain name reference, bare URL. Anything else is text.
    [GeneratedRegex(
        @"``(?<lit>[^`]+?)``" +
        @"|\*\*(?<strong>[^*\s](?:[^*]*?[^*\s])?)\*\*" +
        @"|\*(?<em>[^*\s](?:[^*]*?[^*\s])?)\*" +
        @"|`(?<ltext>[^`<]*?)\s*<(?<lurl>[^`>]+)>`__?" +
        @"|`(?<ref>[^`]+)`__?" +
        @"|`(?<interp>[^`]+)`" +
        @"|(?<![\w/])(?<name>[A-Za-z0-9][\w.-]*)__?(?![\w])" +
        @"|(?<url>\b(?:https?://|mailto:)[^\s<>""'`]+[^\s<>""'`.,;:!?)\]])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Markup();

    [GeneratedRegex(@"^\.\. _(?<name>[^:]+):\s*(?<url>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetLine();

    /// <summary>Hyperlink targets (".. _name: url") anywhere in the document, by lower-case name.</summary>
    public static Dictionary<string, string> CollectTargets(string[] lines)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var m = TargetLine().Match(line.TrimEnd());
            if (m.Success) targets.TryAdd(Key(m.Groups["name"].Value), m.Groups["url"].Value);
        }
        return targets;
    }

    private static string Key(string name) => string.Join(' ', name.Trim().Trim('`').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    public static string Render(string text, IReadOnlyDictionary<string, string> targets)
    {
        var html = new StringBuilder();
        var at = 0;
        foreach (Match m in Markup().Matches(text))
        {
            html.Append(Encode(text[at..m.Index]));
            html.Append(Element(m, targets));
            at = m.Index + m.Length;
        }
        html.Append(Encode(text[at..]));
        return html.ToString();
    }

    private static string Element(Match m, IReadOnlyDictionary<string, string> targets)
    {
        var g = m.Groups;
        if (g["lit"].Success) return "<code>" + Encode(g["lit"].Value) + "</code>";
        if (g["strong"].Success) return "<strong>" + Encode(g["strong"].Value) + "</strong>";
        if (g["em"].Success) return "<em>" + Encode(g["em"].Value) + "</em>";
        if (g["lurl"].Success)
        {
            var label = g["ltext"].Value.Length > 0 ? g["ltext"].Value : g["lurl"].Value;
            return Link(g["lurl"].Value.Trim(), label);
        }
        if (g["ref"].Success)
            return targets.TryGetValue(Key(g["ref"].Value), out var target) ? Link(target, g["ref"].Value) : Encode(g["ref"].Value);
        if (g["interp"].Success) return "<cite>" + Encode(g["interp"].Value) + "</cite>";
        if (g["name"].Success)
            return targets.TryGetValue(Key(g["name"].Value), out var named) ? Link(named, g["name"].Value) : Encode(m.Value);
        return Link(g["url"].Value, g["url"].Value);
    }

    /// <summary>A link when the URL is http, https, mailto or relative; otherwise only its text.</summary>
    private static string Link(string url, string label) =>
        IsSafeUrl(url) ? $"<a href=\"{Encode(url)}\">{Encode(label)}</a>" : Encode(label);

    public static bool IsSafeUrl(string url)
    {
        var colon = url.IndexOf(':');
        var slash = url.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon)) return true; // relative
        var scheme = url[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
