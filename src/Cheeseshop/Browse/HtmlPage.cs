using System.Globalization;
using System.Net;
using System.Text;
using Cheeseshop.Web;

namespace Cheeseshop.Browse;

/// <summary>
/// The frame of every public page (head, header with the search box, footer) and the helpers its
/// bodies are written with. The pages are written to bytes once and cached, so they look the same
/// to every visitor: the header names no signed-in user (the account link leads to sign-in or to
/// the account, whichever applies).
/// </summary>
public sealed class HtmlPage(StaticAssets assets)
{
    public const string ContentType = "text/html; charset=utf-8";

    public byte[] Write(string title, Action<StringBuilder> body, string? feed = null)
    {
        var sb = new StringBuilder(8192);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(H(title)).Append(" · Cheeseshop</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(assets.Url("site.css")).Append("\">\n")
            .Append("<link rel=\"icon\" href=\"").Append(assets.Url("favicon.svg")).Append("\" type=\"image/svg+xml\">\n");
        if (feed is not null)
            sb.Append("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"").Append(H(feed)).Append("\">\n");
        sb.Append("<script src=\"").Append(assets.Url("copy.js")).Append("\" defer></script>\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#content\">Skip to content</a>\n")
            .Append("<header class=\"site-header\"><div class=\"bar\">\n<a class=\"brand\" href=\"/\">Cheeseshop</a>\n")
            .Append("<form class=\"search\" action=\"/search/\" method=\"get\" role=\"search\">")
            .Append("<label class=\"skip\" for=\"header-q\">Search projects</label>")
            .Append("<input type=\"search\" id=\"header-q\" name=\"q\" placeholder=\"Search projects\">")
            .Append("<button type=\"submit\">Search</button></form>\n")
            .Append("<nav aria-label=\"Site\"><a href=\"/manage/projects\">Your projects</a><a href=\"/account/login\">Sign in</a></nav>\n")
            .Append("</div></header>\n<main id=\"content\">\n");
        body(sb);
        sb.Append("</main>\n<footer class=\"site-footer\"><div class=\"bar\">")
            .Append("<a href=\"/simple/\">Simple index</a> · <a href=\"/rss/updates.xml\">Latest releases (RSS)</a> · ")
            .Append("<a href=\"/rss/packages.xml\">Newest projects (RSS)</a> · <a href=\"/transparency\">Transparency report</a>")
            .Append("</div></footer>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Text for HTML content and attribute values.</summary>
    public static string H(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>One path segment of a URL.</summary>
    public static string Seg(string text) => Uri.EscapeDataString(text);

    public static string Date(DateTime utc) =>
        $"<time datetime=\"{utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\">{utc.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}</time>";

    public static string DateTimeText(DateTime utc) =>
        $"<time datetime=\"{utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\">{utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</time>";

    /// <summary>Sizes in decimal units, as PyPI shows them.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["bytes", "kB", "MB", "GB", "TB"];
        if (bytes < 1000) return bytes.ToString(CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1) { value /= 1000; unit++; }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>The page a visitor sees for a project, release or user that does not exist.</summary>
    public byte[] NotFound(string what) => Write("Not found", sb => sb
        .Append("<h1>Not found</h1>\n<p>").Append(H(what)).Append("</p>\n")
        .Append("<p><a href=\"/\">Back to the home page</a></p>\n"));
}
