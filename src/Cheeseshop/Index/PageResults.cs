using System.Collections.Concurrent;
using System.Runtime.Intrinsics.X86;
using Cheeseshop.Core.Http;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Index;

public static class PageResults
{
    /// <summary>Cache-Control of every page that changes with the index (Simple API, JSON API, the pages for
    /// people, feeds): clients revalidate with the ETag on every use, so a new upload is visible at once and
    /// an unchanged page costs a 304. (PyPI lets its CDN keep pages for 10 minutes.)</summary>
    public static readonly StringValues Revalidate = "max-age=0, must-revalidate, public";

    /// <summary>
    /// Writes a cached page in the coding the client asked for (Accept-Encoding): ETag of that coding,
    /// X-PyPI-Last-Serial, <paramref name="vary"/>, and a 304 when the client already has it. The read
    /// APIs are open to scripts of any origin (<paramref name="cors"/>); the pages for people are not.
    /// </summary>
    public static Task WriteAsync(HttpContext ctx, RenderedPage page, StringValues cacheControl, StringValues vary, bool cors = true)
    {
        // No bytes for a demoted page asked for no coding: its plain bytes are inflated for this response alone, into a
        // pooled buffer, and not at all for a 304 or a HEAD.
        var body = page.ForResponse(Coding(ctx.Request.Headers.AcceptEncoding));
        var ifNoneMatch = ctx.Request.Headers.IfNoneMatch;
        var head = HttpMethods.IsHead(ctx.Request.Method);
        if (body.Bytes is not null && ifNoneMatch.Count == 0 && !head) Prefetch(body.Bytes, body.ETag, page.SerialText);
        var headers = ctx.Response.Headers;
        headers.ETag = body.ETag;
        headers.Vary = vary;
        headers["X-PyPI-Last-Serial"] = page.SerialText;
        headers.CacheControl = cacheControl;
        if (cors) Cors(ctx);
        if (body.Coding != ContentCoding.Identity) headers.ContentEncoding = ContentCodingNegotiation.Token(body.Coding);
        if (Matches(ifNoneMatch, body.ETag))
        {
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        ctx.Response.ContentType = page.ContentType;
        ctx.Response.ContentLength = body.Bytes?.Length ?? page.Length;
        if (head) return Task.CompletedTask;
        return body.Bytes is not null ? ctx.Response.Body.WriteAsync(body.Bytes).AsTask() : WriteInflatedAsync(ctx, page);
    }

    /// <summary>
    /// Asks the processor at once for the memory a response with a body reads: the header strings and the body, which
    /// the server copies only after every header is set. In an index of many projects a page asked for is often no
    /// longer in the processor's caches; read on demand, each of these lines would be a wait of its own, one after the
    /// other, where asked for together they arrive together. A hint that changes nothing else, and nothing on
    /// processors without it.
    /// </summary>
    private static unsafe void Prefetch(byte[] bytes, string etagValue, string serial)
    {
        if (!Sse.IsSupported) return;
        var length = Math.Min(bytes.Length, PrefetchedBytes);
        fixed (byte* body = bytes)
            for (var offset = 0; offset < length; offset += CacheLine) Sse.Prefetch0(body + offset);
        fixed (char* etag = etagValue) Sse.Prefetch0(etag);
        fixed (char* text = serial) Sse.Prefetch0(text);
    }

    // Past the first lines of a long body the processor's own prefetcher sees the copy's stride and runs ahead of it.
    private const int CacheLine = 64, PrefetchedBytes = 2048;

    private static async Task WriteInflatedAsync(HttpContext ctx, RenderedPage page)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(page.Length);
        try
        {
            page.InflateInto(buffer);
            // The write has copied the bytes into the server's output once it completes, so the buffer can go back.
            await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, page.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Vary of pages that differ only by coding.</summary>
    public static readonly StringValues VaryEncoding = "Accept-Encoding";

    // Clients send the same few Accept-Encoding headers over and over (pip's "gzip, deflate", a
    // browser's): remember each one's answer instead of parsing it per request. Bounded so odd
    // headers cannot grow it.
    private static readonly ConcurrentDictionary<string, ContentCoding> Codings = new(StringComparer.Ordinal);

    private static ContentCoding Coding(StringValues acceptEncoding)
    {
        if (acceptEncoding.Count == 0) return ContentCoding.Identity;
        var header = acceptEncoding.ToString();
        if (Codings.TryGetValue(header, out var known)) return known;
        var coding = ContentCodingNegotiation.Choose(header);
        if (Codings.Count < 256) Codings.TryAdd(header, coding);
        return coding;
    }

    /// <summary>If-None-Match's weak comparison (RFC 9110, 13.1.2): a "W/" prefix, as a proxy that
    /// re-encodes a response may add, still matches; so do "*" and a list of tags. For every response with
    /// an ETag, so that all answer a revalidation alike.</summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            if (value is null) continue;
            if (value == etag) return true;
            foreach (var range in value.AsSpan().Split(','))
            {
                var tag = value.AsSpan()[range].Trim();
                if (tag.StartsWith("W/")) tag = tag[2..];
                if (tag is "*" || tag.SequenceEqual(etag)) return true;
            }
        }
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
