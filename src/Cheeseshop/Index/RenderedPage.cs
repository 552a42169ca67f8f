using System.IO.Compression;
using System.Security.Cryptography;
using Cheeseshop.Core.Http;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Index;

/// <summary>
/// A response rendered once and served as bytes until its project's serial changes. Its gzip and
/// Brotli forms are made the first time a client asks for each and then kept beside it, so a page
/// is compressed once per render, never per request.
/// </summary>
public sealed class RenderedPage
{
    /// <summary>What a page costs the cache besides its bodies: this object and its lock, its encodings, their
    /// ETag and serial strings, the body's array header, and its project's entry in the cache (the entry object,
    /// the dictionary node and the name). An estimate from the objects' sizes on a 64-bit runtime, which the
    /// managed heap's size per cached page confirms (docs/performance.md), so the limit is close to the memory
    /// the pages really take.</summary>
    internal const int Overhead = 560;

    // A middle Brotli quality: the top ones cost many times the CPU for a few percent fewer bytes, and
    // that cost comes back with every render of a large page such as /simple/ (docs/performance.md).
    private const int BrotliQuality = 5, BrotliWindow = 22;

    private readonly EncodedBody _identity;
    private EncodedBody? _gzip, _brotli;
    private readonly Lock _gate = new();
    // Made by the first compression: most pages are only ever asked for by clients that send no
    // Accept-Encoding, or by one coding, and a lock per cached page is memory the cache keeps.
    private Lock? _compressing;
    private PageCache? _owner; // the cache this page's bytes are counted in, while it is in one
    private long _size;

    public RenderedPage(string variant, byte[] body, string contentType, long serial)
    {
        Variant = variant;
        ContentType = contentType;
        Serial = serial;
        // The serial says which change the page reflects; the digest covers everything else that
        // shapes the bytes (the renderer's version, the public URL), so a proxy never keeps a stale copy.
        _identity = new EncodedBody(ContentCoding.Identity, body, $"\"{serial}-{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8))}\"");
        SerialText = serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _size = body.Length + Overhead;
    }

    /// <summary>The serial as the X-PyPI-Last-Serial header value, formatted once.</summary>
    public string SerialText { get; }

    /// <summary>Which representation of the project this is (HTML, JSON, the JSON API for a host ...).</summary>
    public string Variant { get; }

    public byte[] Body => _identity.Body;
    public string ContentType { get; }
    public long Serial { get; }
    public string ETag => _identity.ETag;

    /// <summary>Bytes this page holds: its body, the compressed forms made so far, and an overhead.</summary>
    public long Size { get { lock (_gate) return _size; } }

    /// <summary>
    /// The body in <paramref name="coding"/>, compressed on the first request for it. A page that does
    /// not get smaller (a tiny one) is served as it is. Concurrent first requests wait for one
    /// compression instead of each doing it.
    /// </summary>
    public EncodedBody For(ContentCoding coding)
    {
        if (coding == ContentCoding.Identity) return _identity;
        var known = coding == ContentCoding.Gzip ? Volatile.Read(ref _gzip) : Volatile.Read(ref _brotli);
        return known ?? Compress(coding);
    }

    private EncodedBody Compress(ContentCoding coding)
    {
        PageCache? grown;
        EncodedBody made;
        // One compression per coding, made outside the accounting lock: charging and discharging this page
        // (which every change to its project does) never waits behind a Brotli pass over a large page.
        lock (LazyInitializer.EnsureInitialized(ref _compressing))
        {
            var known = coding == ContentCoding.Gzip ? _gzip : _brotli;
            if (known is not null) return known;
            var bytes = coding == ContentCoding.Gzip ? Gzip(Body) : Brotli(Body);
            made = bytes.Length < Body.Length
                ? new EncodedBody(coding, bytes, $"\"{ETag[1..^1]}-{ContentCodingNegotiation.Token(coding)}\"")
                : _identity;
            var added = made == _identity ? 0 : bytes.Length;
            lock (_gate)
            {
                _size += added;
                // Counted under the accounting lock, so a page leaving the cache at the same moment takes
                // these bytes out with it or never had them counted.
                _owner?.Add(added);
                grown = _owner;
            }
            if (coding == ContentCoding.Gzip) Volatile.Write(ref _gzip, made);
            else Volatile.Write(ref _brotli, made);
        }
        grown?.TrimIfOver();
        return made;
    }

    /// <summary>Counts this page's bytes in <paramref name="cache"/>; returns them (0 when it is already counted).</summary>
    internal long Charge(PageCache cache)
    {
        lock (_gate)
        {
            if (_owner is not null) return 0;
            _owner = cache;
            return _size;
        }
    }

    /// <summary>Stops counting this page's bytes; returns what was counted (0 when nothing was).</summary>
    internal long Discharge()
    {
        lock (_gate)
        {
            if (_owner is null) return 0;
            _owner = null;
            return _size;
        }
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 3 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(body);
        return output.ToArray();
    }

    private static byte[] Brotli(byte[] body)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        if (!BrotliEncoder.TryCompress(body, buffer, out var written, BrotliQuality, BrotliWindow))
            throw new InvalidOperationException("Brotli compression did not fit its maximum length.");
        return buffer.AsSpan(0, written).ToArray();
    }
}

/// <summary>A page's body in one content coding, with the header values that go with it, made once.</summary>
public sealed class EncodedBody(ContentCoding coding, byte[] body, string etag)
{
    public ContentCoding Coding { get; } = coding;
    public byte[] Body { get; } = body;

    /// <summary>Distinct per coding: a cache holding the gzip bytes must not revalidate them as the plain ones.</summary>
    public string ETag { get; } = etag;

    public StringValues ContentEncoding { get; } = coding == ContentCoding.Identity ? StringValues.Empty : ContentCodingNegotiation.Token(coding);
}
