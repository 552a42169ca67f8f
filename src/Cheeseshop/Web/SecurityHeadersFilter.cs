using Microsoft.AspNetCore.Mvc.Filters;

namespace Cheeseshop.Web;

/// <summary>
/// Headers on every account page. The pages use no script and no outside resource, so the content
/// security policy can forbid both outright: an injected &lt;script&gt; would not run even if some
/// text escaped encoding. Forms may only post back here, and no other site may frame the pages
/// (clickjacking of the delete or token forms).
/// </summary>
public sealed class SecurityHeadersFilter : IResultFilter
{
    public const string Policy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
