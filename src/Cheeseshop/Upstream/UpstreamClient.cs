using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Core.Upstream;

namespace Cheeseshop.Upstream;

/// <summary>Why the upstream could not give what was asked: unreachable, too slow, garbage, or a file whose
/// bytes do not match its page. The proxy answers 502 with the message.</summary>
public sealed class UpstreamException(string message) : Exception(message);

/// <summary>
/// Talks to the upstream index as Cheeseshop itself, never on a client's behalf: its own User-Agent, no
/// forwarded address, no client header passed on. Every request is bounded in time (TimeoutSeconds) and
/// every answer in size; redirects are followed by hand, only to https or to the same host
/// (<see cref="UpstreamRules.MayFollow"/>), and the upstream's credentials go only to the upstream's own host.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    /// <summary>The largest upstream page read: pypi.org's largest project pages are a few megabytes.</summary>
    public const int MaxPageBytes = 32 * 1024 * 1024;
    private const int MaxRedirects = 5;

    private readonly HttpClient _http;
    private readonly UpstreamOptions _options;
    private readonly Uri _index;
    private readonly AuthenticationHeaderValue? _credentials;

    public UpstreamClient(UpstreamOptions options)
    {
        _options = options;
        _index = options.Enabled ? options.IndexUri() : new Uri("http://upstream.invalid/");
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(options.TimeoutSeconds, 30)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        if (!string.IsNullOrEmpty(options.Username))
            _credentials = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
    }

    public const string UserAgent = "Cheeseshop-upstream-proxy/1.0";

    /// <summary>The index URL as it may be shown (no credentials).</summary>
    public string IndexForPeople => UpstreamRules.Public(_index);

    /// <summary>What the proxy says when an upstream request ran past TimeoutSeconds.</summary>
    public string TooSlow => $"the upstream index {IndexForPeople} did not answer within {_options.TimeoutSeconds} seconds";

    /// <summary>The project's page, or null when the upstream has no such project (404 or 410).</summary>
    public async Task<UpstreamPage?> GetPageAsync(string normalized, CancellationToken ct)
    {
        var url = UpstreamRules.ProjectUrl(_index, normalized);
        using var response = await SendAsync(url, UpstreamPageParser.Accept, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return null;
        if (!response.IsSuccessStatusCode)
            throw new UpstreamException($"the upstream index {IndexForPeople} answered {(int)response.StatusCode} {response.ReasonPhrase} for {normalized}");
        var body = await ReadBoundedAsync(response, MaxPageBytes, ct);
        try
        {
            var page = UpstreamPageParser.Parse(normalized, response.Content.Headers.ContentType?.ToString(), body, response.RequestMessage?.RequestUri ?? url);
            if (response.Headers.TryGetValues("X-PyPI-Last-Serial", out var serials) && long.TryParse(serials.FirstOrDefault(), out var serial))
                page = page with { Serial = serial };
            return page;
        }
        catch (UpstreamPageException e)
        {
            throw new UpstreamException($"the upstream index {IndexForPeople} sent an unusable page for {normalized}: {e.Message}");
        }
    }

    /// <summary>Any page of the upstream (its index, a JSON API document), bounded like a project page; null
    /// when the upstream has none there (404 or 410).</summary>
    public async Task<(string? ContentType, byte[] Body)?> GetOptionalAsync(Uri url, string accept, CancellationToken ct)
    {
        using var response = await SendAsync(url, accept, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return null;
        if (!response.IsSuccessStatusCode)
            throw new UpstreamException($"the upstream index {IndexForPeople} answered {(int)response.StatusCode} {response.ReasonPhrase} for {UpstreamRules.Public(url)}");
        return (response.Content.Headers.ContentType?.ToString(), await ReadBoundedAsync(response, MaxPageBytes, ct));
    }

    /// <summary>Streams a file into <paramref name="tempFile"/>, hashing it; refuses it (deleting what was
    /// written) when it is larger than <paramref name="maxBytes"/> or its SHA-256 is not <paramref name="sha256"/>.</summary>
    public async Task<long> DownloadAsync(Uri url, string sha256, long maxBytes, string tempFile, CancellationToken ct)
    {
        try
        {
            using var response = await SendAsync(url, "*/*", ct);
            if (!response.IsSuccessStatusCode)
                throw new UpstreamException($"the upstream answered {(int)response.StatusCode} {response.ReasonPhrase} for {Path.GetFileName(url.AbsolutePath)}");
            if (response.Content.Headers.ContentLength > maxBytes)
                throw new UpstreamException($"the upstream's file is larger than this index's limit of {maxBytes} bytes");
            await using var source = await response.Content.ReadAsStreamAsync(ct);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var target = new FileStream(tempFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (length > maxBytes) throw new UpstreamException($"the upstream's file is larger than this index's limit of {maxBytes} bytes");
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(sha256)))
                throw new UpstreamException(
                    $"the file the upstream sent has SHA-256 {actual}, but its page says {sha256}: it was refused and nothing was stored");
            return length;
        }
        catch
        {
            File.Delete(tempFile);
            throw;
        }
    }

    /// <summary>Small content (PEP 658 metadata), verified against its SHA-256.</summary>
    public async Task<byte[]> GetVerifiedBytesAsync(Uri url, string sha256, int maxBytes, CancellationToken ct)
    {
        using var response = await SendAsync(url, "*/*", ct);
        if (!response.IsSuccessStatusCode)
            throw new UpstreamException($"the upstream answered {(int)response.StatusCode} {response.ReasonPhrase} for {Path.GetFileName(url.AbsolutePath)}");
        var body = await ReadBoundedAsync(response, maxBytes, ct);
        if (Convert.ToHexStringLower(SHA256.HashData(body)) != sha256)
            throw new UpstreamException("the metadata the upstream sent does not match the SHA-256 its page gives: it was refused and nothing was stored");
        return body;
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, string accept, CancellationToken ct)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd(accept);
            if (_credentials is not null && UpstreamRules.SameOrigin(url, _index)) request.Headers.Authorization = _credentials;
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            // A cancellation of the caller's own token (its timeout, an operator's Ctrl+C) goes on to the caller; one
            // without it is HttpClient's Timeout, the upstream being too slow.
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw new UpstreamException(e is OperationCanceledException
                    ? TooSlow
                    : $"the upstream index {IndexForPeople} could not be reached ({e.Message})");
            }
            if ((int)response.StatusCode is < 300 or > 399 || response.StatusCode == HttpStatusCode.NotModified) return response;
            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || hop >= MaxRedirects) throw new UpstreamException($"the upstream index {IndexForPeople} redirected too often or nowhere");
            var next = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (!UpstreamRules.MayFollow(url, next))
                throw new UpstreamException($"the upstream redirected to {UpstreamRules.Public(next)}, which is neither https nor the same host: not followed");
            url = next;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > max) throw new UpstreamException($"the upstream's answer is larger than {max} bytes: refused");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[65536];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) throw new UpstreamException($"the upstream's answer is larger than {max} bytes: refused");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose() => _http.Dispose();
}
