using System.Security.Authentication;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Privacy;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Downloads;

/// <summary>
/// The request side of recording: decides whether a response counts, looks up the client's country
/// (the only use of the address, in memory; the address itself goes nowhere) and enqueues. It runs
/// once the response has been written, and costs a few hundred nanoseconds: no I/O, no parsing (the
/// writer parses User-Agents), no allocation beyond the wrapper of the file's result.
/// </summary>
public sealed class DownloadRecorder(DownloadQueue queue, ICountryLookup countries, DownloadsOptions options, TimeProvider clock)
{
    private readonly CountryCache _countries = new(countries);

    /// <summary>
    /// Called by the file endpoint with the result it is about to return: a result that records the
    /// download once it has been served, or the same result when this request cannot count.
    /// </summary>
    public IResult TrackFile(HttpContext ctx, string filename, IResult file)
    {
        if (!options.Enabled || !HttpMethods.IsGet(ctx.Request.Method)) return file;
        // PEP 658 metadata is how pip chooses a version, not a download.
        if (filename.EndsWith(".metadata", StringComparison.Ordinal)) return file;
        // Wrapping the result rather than registering Response.OnCompleted: the same moment for a
        // download (the body has been handed to the server), without OnCompleted's per-request stack and
        // state machine. If sending the file throws, nothing is recorded.
        return new RecordedFile(this, file, filename);
    }

    private sealed class RecordedFile(DownloadRecorder recorder, IResult file, string filename) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            var sending = file.ExecuteAsync(ctx);
            if (!sending.IsCompletedSuccessfully) return RecordAfterAsync(sending, ctx);
            Record(ctx);
            return Task.CompletedTask;
        }

        private async Task RecordAfterAsync(Task sending, HttpContext ctx)
        {
            await sending;
            Record(ctx);
        }

        private void Record(HttpContext ctx)
        {
            if (CountsAsDownload(ctx.Response.StatusCode, ctx.Response.Headers.ContentRange))
                recorder.Enqueue(RequestKind.File, ctx, filename);
        }
    }

    /// <summary>Middleware for /simple/{project}/ when RecordSimpleRequests is on.</summary>
    public void TrackSimple(HttpContext ctx)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method)) return;
        var path = ctx.Request.Path.Value;
        if (!Simple.SimpleEndpoints.IsDetailPath(path)) return;
        var name = Simple.SimpleEndpoints.DetailName(path!).ToString();
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

    private static bool CountsAsDownload(int status, StringValues contentRange) =>
        status == StatusCodes.Status200OK || (status == StatusCodes.Status206PartialContent && CountsAsDownload(status, contentRange.ToString()));

    private void Enqueue(RequestKind kind, HttpContext ctx, string name)
    {
        var address = ctx.Connection.RemoteIpAddress;
        var country = address is null ? null : _countries.CountryOf(address);
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
        // Plain HTTP (or TLS ended by a proxy) has no handshake to read; the scheme check spares a feature lookup.
        if (!ctx.Request.IsHttps || ctx.Features.Get<ITlsHandshakeFeature>() is not { } tls) return (null, null);
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
