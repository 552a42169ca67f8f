using System.Net;
using Cheeseshop.Core.Readme;
using Ganss.Xss;
using Markdig;

namespace Cheeseshop.Readme;

/// <summary>
/// A release's description as the HTML of its project page, chosen by Description-Content-Type as
/// PyPI does: text/markdown (CommonMark with GitHub's tables, fenced code and autolinks),
/// text/x-rst or no type at all (reStructuredText, the metadata default), text/plain and anything
/// else as preformatted text. Whatever the renderer produced then goes through the sanitizer, which
/// keeps only the elements, attributes and URL schemes a README needs (those of PyPI's
/// readme_renderer): no script, style, iframe, form, event handler, javascript: or data: URL, and
/// every link gets rel="nofollow". Callers render once per cached page, never per request. A description longer
/// than <see cref="MaxParsedLength"/> is shown as preformatted text without being parsed, and so is Markdown
/// nested deeper than Markdig's depth limit (reStructuredText bounds its own nesting), so no upload can make
/// rendering take unbounded time or stack.
/// </summary>
public static class ReadmeRenderer
{
    /// <summary>The longest description (in characters) rendered as Markdown or reStructuredText: far above any
    /// README written for people, low enough that parsing and sanitizing one stay cheap.</summary>
    public const int MaxParsedLength = 256 * 1024;

    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoLinks()
        .UseTaskLists()
        .UseEmphasisExtras()
        .Build();

    private static readonly string[] Tags =
    [
        "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "ol", "p", "pre", "s", "samp", "section", "small", "span", "strike", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
    ];

    private static readonly string[] Attributes =
    [
        "href", "title", "alt", "src", "width", "height", "align", "colspan", "rowspan", "start", "type", "lang",
        "open", "checked", "disabled",
    ];
    // No id or class: a README must not clobber the ids the page's script looks up, nor borrow the
    // site's classes to dress itself as the page around it.

    private static readonly HashSet<string> Opaque = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "textarea", "title", "select", "option", "noembed", "noframes", "xmp", "plaintext",
    };

    /// <summary>The sanitizer is safe to share: its settings are fixed here and Sanitize keeps no state.</summary>
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(Attributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        s.AllowDataAttributes = false;
        s.KeepChildNodes = true; // an unknown element's text stays readable; script and style go whole
        // ...but the contents of these are code or another document, not text to read.
        s.RemovingTag += (_, e) =>
        {
            if (Opaque.Contains(e.Tag.LocalName)) e.Tag.InnerHtml = "";
        };
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } a && a.HasAttribute("href"))
                a.SetAttribute("rel", "nofollow");
        };
        return s;
    }

    public static string Render(string? description, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(description)) return "";
        if (description.Length > MaxParsedLength) return Preformatted(description); // encoded: nothing to sanitize
        var html = Kind(contentType) switch
        {
            ReadmeKind.Markdown => MarkdownToHtml(description),
            ReadmeKind.Rst => RstRenderer.ToHtml(description),
            _ => Preformatted(description),
        };
        return Sanitizer.Sanitize(html);
    }

    /// <summary>Markdig refuses a document nested past its depth limit (ArgumentException): such a README is shown
    /// as its source.</summary>
    private static string MarkdownToHtml(string description)
    {
        try
        {
            return Markdig.Markdown.ToHtml(description, Markdown);
        }
        catch (ArgumentException)
        {
            return Preformatted(description);
        }
    }

    public static string Preformatted(string text) => "<pre>" + WebUtility.HtmlEncode(text) + "</pre>";

    /// <summary>The media type decides, as on PyPI; parameters (charset, variant) do not.</summary>
    public static ReadmeKind Kind(string? contentType)
    {
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "text/markdown" => ReadmeKind.Markdown,
            "" or "text/x-rst" => ReadmeKind.Rst,
            _ => ReadmeKind.Plain,
        };
    }
}

public enum ReadmeKind { Rst, Markdown, Plain }
