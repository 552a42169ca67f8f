using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cheeseshop.Bench;

/// <summary>
/// The yardstick for the read-path targets: a bare ASP.NET endpoint that returns a fixed page of a
/// given size, with the same server settings as Cheeseshop. No lookup, no cache, no headers beyond
/// Content-Type and Content-Length.
/// </summary>
public static class BaselineServer
{
    public static async Task RunAsync(string urls, int size)
    {
        var body = new byte[size];
        Array.Fill(body, (byte)'x');
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/page", (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/html";
            ctx.Response.ContentLength = body.Length;
            return ctx.Response.Body.WriteAsync(body).AsTask();
        });
        await app.RunAsync();
    }
}
