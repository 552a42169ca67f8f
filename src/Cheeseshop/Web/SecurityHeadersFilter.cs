using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Web;

/// <summary>
/// Headers on every page a browser shows: the account pages (this filter) and the public pages
/// (<see cref="Apply"/>). Styles and the one script come from this server's own files, never from
/// the page itself, so the content security policy allows no inline code at all: a &lt;script&gt; or
/// an onerror= that got past the README sanitizer would still not run. Images come only from this
/// server (a README's picture on another host is not fetched: no visitor's browser talks to a third
/// party), forms may only post back here, and no other site may frame the pages (clickjacking of the
/// delete or token forms).
/// </summary>
public sealed class SecurityHeadersFilter : IResultFilter
{
    public const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly StringValues PolicyValue = Policy, NoSniff = "nosniff", NoReferrer = "no-referrer";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = PolicyValue;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = NoReferrer;
    }

    public void OnResultExecuting(ResultExecutingContext context) => Apply(context.HttpContext.Response);

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
