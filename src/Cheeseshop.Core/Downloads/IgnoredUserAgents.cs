using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// linehaul's list of agents whose downloads are not recorded at all: monitoring bots,
/// crawlers, link unfurlers and configuration-management probes. Consulted only when no
/// installer pattern matched, so an over-broad entry cannot hide a real installer.
/// </summary>
internal static class IgnoredUserAgents
{
    // "(null)" is how the CDN logs a request that sent no User-Agent at all. The dots in the
    // ltx71 and pingdom entries match any character, as in linehaul's own pattern.
    private static readonly Regex Pattern = new(
        string.Join('|',
            @"^Datadog Agent/",
            @"^\(null\)$",
            @"^WordPress/",
            @"^Chef (?:Client|Knife)/",
            @"^Ruby$",
            @"^Slackbot-LinkExpanding",
            @"^TextualInlineMedia/",
            @"^WeeChat/",
            @"^Download Master$",
            @"^Java/",
            @"^Go \d\.\d package http$",
            @"^Go-http-client/",
            @"^GNU Guile$",
            @"^github-olee$",
            @"^YisouSpider$",
            @"^Apache Ant/",
            @"^Salt/",
            @"^ansible-httpget$",
            @"^ltx71 - \(http://ltx71.com/\)",
            @"^Scrapy/",
            @"^spectool/",
            @"Nutch",
            @"^AWSBrewLinkChecker/",
            @"^Y!J-ASR/",
            @"^NSIS_Inetc \(Mozilla\)$",
            @"^Debian uscan",
            @"^Pingdom\.com_bot_version_\d+\.\d+_\(https?://www.pingdom.com/\)$",
            @"^MauiBot \(crawler\.feedback\+dc@gmail\.com\)$",
            @"^inspector\.pypi\.io$"),
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture,
        TimeSpan.FromMilliseconds(250));

    public static bool IsIgnored(string userAgent)
    {
        try
        {
            return Pattern.IsMatch(userAgent);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
