using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Index;

public static class PageResults
{
    /// <summary>Writes a cached page: ETag, X-PyPI-Last-Serial, and a 304 when the client already has it.</summary>
    public static Task WriteAsync(HttpContext ctx, RenderedPage page, StringValues cacheControl)
    {
        var headers = ctx.Response.Headers;
        headers.ETag = page.ETag;
        headers["X-PyPI-Last-Serial"] = page.SerialText;
        headers.CacheControl = cacheControl;
        Cors(ctx);
        var inm = ctx.Request.Headers.IfNoneMatch;
        if (inm.Count > 0 && Matches(inm, page.ETag))
        {
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        ctx.Response.ContentType = page.ContentType;
        ctx.Response.ContentLength = page.Body.Length;
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.Body.WriteAsync(page.Body).AsTask();
    }

    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
            if (value is not null && (value == etag || value == "*" || value.Split(',').Any(t => t.Trim() == etag))) return true;
        return false;
    }

    /// <summary>warehouse's CORS headers for the read APIs: anyone may read them from a browser.</summary>
    public static void Cors(HttpContext ctx)
    {
        var h = ctx.Response.Headers;
        h.AccessControlAllowOrigin = AnyOrigin;
        h.AccessControlAllowMethods = GetOnly;
        h.AccessControlAllowHeaders = AllowedHeaders;
        h.AccessControlMaxAge = OneDay;
        h.AccessControlExposeHeaders = SerialHeader;
    }

    // Header values built once, not per request.
    private static readonly StringValues AnyOrigin = "*", GetOnly = "GET", OneDay = "86400", SerialHeader = "X-PyPI-Last-Serial",
        AllowedHeaders = "Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since";

    public static IResult NotFoundText() => Results.Text("404 Not Found", "text/plain", statusCode: 404);

    public static IResult RedirectWithCors(HttpContext ctx, string location)
    {
        Cors(ctx);
        return Results.Redirect(location, permanent: true);
    }
}
