namespace Cheeseshop.Api;

public static class PageResults
{
    /// <summary>Writes a cached page: ETag, X-PyPI-Last-Serial, and a 304 when the client already has it.</summary>
    public static Task WriteAsync(HttpContext ctx, RenderedPage page, string cacheControl)
    {
        var headers = ctx.Response.Headers;
        headers.ETag = page.ETag;
        headers["X-PyPI-Last-Serial"] = page.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers.CacheControl = cacheControl;
        Cors(ctx);
        var inm = ctx.Request.Headers.IfNoneMatch;
        if (inm.Count > 0 && inm.Any(v => v is not null && (v == page.ETag || v == "*" || v.Split(',').Any(t => t.Trim() == page.ETag))))
        {
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        ctx.Response.ContentType = page.ContentType;
        ctx.Response.ContentLength = page.Body.Length;
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.Body.WriteAsync(page.Body).AsTask();
    }

    /// <summary>warehouse's CORS headers for the read APIs: anyone may read them from a browser.</summary>
    public static void Cors(HttpContext ctx)
    {
        var h = ctx.Response.Headers;
        h.AccessControlAllowOrigin = "*";
        h.AccessControlAllowMethods = "GET";
        h.AccessControlAllowHeaders = "Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since";
        h.AccessControlMaxAge = "86400";
        h.AccessControlExposeHeaders = "X-PyPI-Last-Serial";
    }

    public static IResult NotFoundText() => Results.Text("404 Not Found", "text/plain", statusCode: 404);

    public static IResult RedirectWithCors(HttpContext ctx, string location)
    {
        Cors(ctx);
        return Results.Redirect(location, permanent: true);
    }
}
