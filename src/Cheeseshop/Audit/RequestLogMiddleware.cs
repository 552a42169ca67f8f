using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cheeseshop.Core.Audit;
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
    // Methods are short words; paths may be kilobytes of the client's choosing.
    private const int MaxMethodChars = 16, MaxPathChars = 200;

    public async Task InvokeAsync(HttpContext ctx)
    {
        var started = Stopwatch.GetTimestamp();
        // An exception that escapes the application becomes a 500 in the server, after this middleware
        // has returned, unless the response had already started (then the connection is cut).
        var failed = false;
        try
        {
            await next(ctx);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = failed && !ctx.Response.HasStarted ? StatusCodes.Status500InternalServerError : ctx.Response.StatusCode;
            // The path is written escaped, so a decoded control character cannot forge a line.
            var method = LogText.Prefix(ctx.Request.Method, MaxMethodChars);
            var path = LogText.Prefix(ctx.Request.Path.ToUriComponent(), MaxPathChars);
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {method} {path} {status} {ms:F1}ms client={Client(ctx)}"));
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
