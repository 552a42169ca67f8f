using System.Security.Authentication;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Privacy;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Cheeseshop.Downloads;

/// <summary>
/// The request side of recording: decides whether a response counts, looks up the client's country
/// (the only use of the address, in memory; the address itself goes nowhere) and enqueues. It runs
/// after the response has been sent (Response.OnCompleted), so nothing here delays the download.
/// </summary>
public sealed class DownloadRecorder(DownloadQueue queue, ICountryLookup countries, DownloadsOptions options, TimeProvider clock)
{
    /// <summary>Called by the file endpoint for every request it serves.</summary>
    public void TrackFile(HttpContext ctx, string filename)
    {
        if (!options.Enabled || !HttpMethods.IsGet(ctx.Request.Method)) return;
        // PEP 658 metadata is how pip chooses a version, not a download.
        if (filename.EndsWith(".metadata", StringComparison.Ordinal)) return;
        ctx.Response.OnCompleted(static state =>
        {
            var (recorder, context, name) = ((DownloadRecorder, HttpContext, string))state;
            if (CountsAsDownload(context.Response.StatusCode, context.Response.Headers.ContentRange.ToString()))
                recorder.Enqueue(RequestKind.File, context, name);
            return Task.CompletedTask;
        }, (this, ctx, filename));
    }

    /// <summary>Middleware for /simple/{project}/ when RecordSimpleRequests is on.</summary>
    public void TrackSimple(HttpContext ctx)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method)) return;
        var path = ctx.Request.Path.Value;
        if (path is null || !path.StartsWith("/simple/", StringComparison.Ordinal) || !path.EndsWith('/')) return;
        var name = path["/simple/".Length..^1];
        if (name.Length == 0 || name.Contains('/')) return;
        ctx.Response.OnCompleted(static state =>
        {
            var (recorder, context, project) = ((DownloadRecorder, HttpContext, string))state;
            // A 304 is a page served from the client's cache after asking: still a request for it.
            if (context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
                recorder.Enqueue(RequestKind.Simple, context, ProjectName.Normalize(project));
            return Task.CompletedTask;
        }, (this, ctx, name));
    }

    /// <summary>200, or 206 for a range that starts at the first byte (a resumed download counts once).</summary>
    public static bool CountsAsDownload(int status, string? contentRange) =>
        status == StatusCodes.Status200OK ||
        (status == StatusCodes.Status206PartialContent && contentRange is not null &&
         contentRange.StartsWith("bytes 0-", StringComparison.OrdinalIgnoreCase));

    private void Enqueue(RequestKind kind, HttpContext ctx, string name)
    {
        var address = ctx.Connection.RemoteIpAddress;
        var country = address is null ? null : countries.CountryOf(address);
        var (protocol, cipher) = Tls(ctx);
        var ua = ctx.Request.Headers.UserAgent;
        queue.TryEnqueue(new PendingRequest(
            kind,
            Truncate(clock.GetUtcNow().UtcDateTime),
            ctx.Request.Path.Value ?? "",
            name,
            ua.Count == 0 ? null : ua.ToString(),
            country,
            protocol,
            cipher));
    }

    /// <summary>The TLS version and cipher suite when this server terminated TLS (behind a proxy: unknown).</summary>
    private static (string? Protocol, string? Cipher) Tls(HttpContext ctx)
    {
        if (ctx.Features.Get<ITlsHandshakeFeature>() is not { } tls) return (null, null);
        var protocol = tls.Protocol switch
        {
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls13 => "TLSv1.3",
#pragma warning disable CS0618, SYSLIB0039 // old protocols are named, not used
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
#pragma warning restore CS0618, SYSLIB0039
            _ => null,
        };
        return (protocol, tls.NegotiatedCipherSuite?.ToString());
    }

    /// <summary>Microseconds, the precision both databases and the Parquet export keep.</summary>
    public static DateTime Truncate(DateTime t) => new(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);
}
