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
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = failed && !ctx.Response.HasStarted ? StatusCodes.Status500InternalServerError : ctx.Response.StatusCode;
            // The path is written escaped, so a decoded control character cannot forge a line.
            var method = LogText.Prefix(ctx.Request.Method, MaxMethodChars);
            var path = LogText.Prefix(ctx.Request.Path.ToUriComponent(), MaxPathChars);
            writer.Write(Line(clock.GetUtcNow().UtcDateTime, method, path, status, elapsed, Client(ctx)));
        }
    }

    /// <summary>"2026-11-25T17:52:03.114Z GET /simple/requests/ 200 0.2ms client=3f9c0a6e1b27d845". Every request
    /// pays for its line, so the parts that general formatting makes slow are written directly: the time to the
    /// second is formatted once a second, and the duration is whole tenths of a millisecond.</summary>
    internal static string Line(DateTime utc, string method, string path, int status, TimeSpan elapsed, string client)
    {
        var second = _second;
        var number = utc.Ticks / TimeSpan.TicksPerSecond;
        if (second.Number != number)
            _second = second = new Second(number, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.", CultureInfo.InvariantCulture));
        var millis = utc.Millisecond;
        var tenths = (elapsed.Ticks + TicksPerTenth / 2) / TicksPerTenth;
        return string.Create(CultureInfo.InvariantCulture, stackalloc char[256],
            $"{second.Text}{(char)('0' + millis / 100)}{(char)('0' + millis / 10 % 10)}{(char)('0' + millis % 10)}Z {method} {path} {status} {tenths / 10}.{(char)('0' + tenths % 10)}ms client={client}");
    }

    private const long TicksPerTenth = TimeSpan.TicksPerMillisecond / 10;

    /// <summary>The time of a line up to its second, and that second: replaced whole, so a reader on another thread sees
    /// one or the other.</summary>
    private sealed record Second(long Number, string Text);

    private static Second _second = new(-1, "");

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
