using System.Diagnostics;
using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Audit;

/// <summary>
/// One log line per request, in which the client is its keyed hash (first 16 hex digits: enough to
/// follow one client through a log, useless for recovering the address). No raw address ever
/// reaches a log.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, IpAddressHasher hasher, ILogger<RequestLogMiddleware> log)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(ctx);
        }
        finally
        {
            var client = ctx.Connection.RemoteIpAddress is { } ip ? hasher.Hash(ip)[..16] : "-";
            log.LogInformation("{Method} {Path} {Status} {Ms:F1}ms client={Client}",
                ctx.Request.Method, ctx.Request.Path.Value, ctx.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, client);
        }
    }
}
