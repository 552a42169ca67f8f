using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cheeseshop.Core.Privacy;
using Microsoft.AspNetCore.Connections.Features;

namespace Cheeseshop.Audit;

/// <summary>
/// One access-log line per request, in which the client is its keyed hash (first 16 hex digits: enough to
/// follow one client through a log, useless for recovering the address). No raw address ever
/// reaches a log.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, IpAddressHasher hasher, RequestLogWriter writer, TimeProvider clock)
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
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // The path is written escaped, so a decoded control character cannot forge a line.
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{clock.GetUtcNow().UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {ctx.Request.Method} {ctx.Request.Path.ToUriComponent()} {ctx.Response.StatusCode} {ms:F1}ms client={Client(ctx)}"));
        }
    }

    /// <summary>
    /// The client's hash, remembered for the connection: a keep-alive connection's requests come from
    /// the same address (or, behind a proxy, usually the same forwarded one), and an HMAC per request
    /// would be most of the line's cost. The address lives no longer than the connection, in memory.
    /// </summary>
    private string Client(HttpContext ctx)
    {
        if (ctx.Connection.RemoteIpAddress is not { } ip) return "-";
        var items = ctx.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(typeof(RequestLogMiddleware), out var cached) == true && cached is KnownClient known && known.Address.Equals(ip))
            return known.Hash;
        var hash = hasher.Hash(ip)[..16];
        if (items is not null) items[typeof(RequestLogMiddleware)] = new KnownClient(ip, hash);
        return hash;
    }

    private sealed record KnownClient(IPAddress Address, string Hash);
}
