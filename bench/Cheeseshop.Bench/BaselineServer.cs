using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cheeseshop.Bench;

/// <summary>
/// The yardstick for the read-path targets: bare ASP.NET endpoints, /page/SIZE for each size asked
/// for, each returning a fixed page of that size, with the same server settings as Cheeseshop. No
/// lookup, no cache, no headers beyond Content-Type and Content-Length.
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
        foreach (var size in sizes.Distinct())
        {
            var body = new byte[size];
            Array.Fill(body, (byte)'x');
            // A literal route per size, so the yardstick pays for no route parameter.
            app.MapGet($"/page/{size}", (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "text/html";
                ctx.Response.ContentLength = body.Length;
                return ctx.Response.Body.WriteAsync(body).AsTask();
            });
        }
        await app.RunAsync();
    }
}
