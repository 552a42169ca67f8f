using Cheeseshop.Index;
using Cheeseshop.Simple;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Bench;

/// <summary>
/// The yardstick for the read-path targets: bare ASP.NET endpoints, /page/SIZE for each size asked
/// for, each returning a fixed page of that size, with the same server settings as Cheeseshop. No
/// lookup, no cache, no headers beyond Content-Type and Content-Length; with BASELINE_HEADERS=simple,
/// also the headers a cached Simple page carries (fixed values of the same lengths), which says what
/// those headers cost by themselves.
/// </summary>
public static class BaselineServer
{
    public static async Task RunAsync(string urls, int[] sizes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var simpleHeaders = Environment.GetEnvironmentVariable("BASELINE_HEADERS") == "simple";
        foreach (var size in sizes.Distinct())
        {
            var body = new byte[size];
            Array.Fill(body, (byte)'x');
            // A literal route per size, so the yardstick pays for no route parameter.
            app.MapGet($"/page/{size}", (HttpContext ctx) =>
            {
                if (simpleHeaders) SimpleHeaders(ctx);
                ctx.Response.ContentType = "text/html";
                ctx.Response.ContentLength = body.Length;
                return ctx.Response.Body.WriteAsync(body).AsTask();
            });
        }
        await app.RunAsync();
    }

    /// <summary>What PageResults.WriteAsync sets on a cached Simple page, with this page's fixed values.</summary>
    private static void SimpleHeaders(HttpContext ctx)
    {
        var h = ctx.Response.Headers;
        h.ETag = ETag;
        h.Vary = SimpleEndpoints.VaryAccept;
        h["X-PyPI-Last-Serial"] = Serial;
        h.CacheControl = PageResults.Revalidate;
        PageResults.Cors(ctx);
        h.ContentEncoding = Gzip;
    }

    private static readonly StringValues ETag = "\"123456-0123456789abcdef-gzip\"", Serial = "123456", Gzip = "gzip";
}
