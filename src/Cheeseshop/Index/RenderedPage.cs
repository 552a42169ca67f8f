using System.IO.Compression;
using System.Security.Cryptography;
using Cheeseshop.Core.Http;

namespace Cheeseshop.Index;

/// <summary>
/// A response rendered once and served as bytes until its project's serial changes. Its gzip and
/// Brotli forms are made the first time they are needed and then kept beside it, so a page is
/// compressed once per render, never per request.
///
/// In a page cache short of room a page holds its gzip form, about a third of the size, and its plain
/// bytes only while it is asked for at least <see cref="HotHits"/> times between two passes of the cache's
/// sweep (<see cref="EnterCompressed"/>, <see cref="Age"/>): the long tail of an index stays in memory, and a
/// client that asks a rarely asked page for no coding gets the plain bytes inflated from the gzip form,
/// which costs a few microseconds where a render costs a database read. Plain bytes a page enters with
/// die young, in the collector's cheapest generation, instead of being given up once they are old.
/// </summary>
public sealed class RenderedPage
{
    /// <summary>What a page costs the cache besides its bodies: this object, its ETag and serial strings, and
    /// its project's entry in the cache (the dictionary's node, which holds the pages, its bucket and the name).
    /// Estimates from the objects' sizes on a 64-bit runtime (docs/performance.md), so the limit is close to the
    /// memory the pages really take.</summary>
    internal const int Overhead = 400;

    /// <summary>What each body held costs besides its bytes: the array's header, its EncodedBody and that
    /// coding's ETag string.</summary>
    internal const int BodyOverhead = 128;

    /// <summary>Hits between two passes of the cache's sweep that keep a page's plain bytes: a page asked for
    /// more rarely is served to the few clients that want it plain by inflating its gzip form.</summary>
    internal const int HotHits = 16;

    // A middle Brotli quality: the top ones cost many times the CPU for a few percent fewer bytes, and
    // that cost comes back with every render of a large page such as /simple/ (docs/performance.md).
    private const int BrotliQuality = 5, BrotliWindow = 22;

    // Locks shared by stripes of pages instead of one per page: the cache holds a hundred thousand pages
    // and takes these only to count bytes and to make a compressed form, each once per page or so.
    private const int StripeCount = 64;
    private static readonly Lock[] AccountingGates = NewStripes(), CompressionGates = NewStripes();
    private static int _pagesMade;
    private readonly int _stripe = Interlocked.Increment(ref _pagesMade) & (StripeCount - 1);

    private EncodedBody? _identity; // null once demoted: the plain bytes are then inflated from _gzip
    private EncodedBody? _gzip, _brotli;
    // The gzip form's bytes and ETag again, in this object's own fields, set once when that form is made: pip asks
    // for gzip, and a response that finds them here reads one object fewer, which in an index of many projects is
    // one wait on memory fewer. _gzipBytes is written last and read first, so a reader that sees it sees the ETag.
    private byte[]? _gzipBytes;
    private string? _gzipETag;
    private PageCache? _owner; // the cache this page's bytes are counted in, while it is in one
    private long _size;
    // Hits since the sweep last passed, counted up to HotHits only (so the hottest pages stop writing to
    // this line); racy increments may lose a count, which only delays a promotion.
    private int _hits;

    public RenderedPage(string variant, byte[] body, string contentType, long serial)
    {
        Variant = variant;
        ContentType = contentType;
        Serial = serial;
        // The serial says which change the page reflects; the digest covers everything else that
        // shapes the bytes (the renderer's version, the public URL), so a proxy never keeps a stale copy.
        ETag = $"\"{serial}-{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8))}\"";
        _identity = new EncodedBody(ContentCoding.Identity, body, ETag);
        Length = body.Length;
        SerialText = serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _size = Overhead + body.Length + BodyOverhead;
    }

    /// <summary>The serial as the X-PyPI-Last-Serial header value, formatted once.</summary>
    public string SerialText { get; }

    /// <summary>Which representation of the project this is (HTML, JSON, the JSON API for a host ...).</summary>
    public string Variant { get; }

    /// <summary>The plain bytes (inflated again when the page has been demoted).</summary>
    public byte[] Body => For(ContentCoding.Identity).Body;
    public string ContentType { get; }
    public long Serial { get; }
    public string ETag { get; }

    /// <summary>Bytes this page holds: its bodies in every coding it keeps, and the overheads.</summary>
    public long Size { get { lock (AccountingGates[_stripe]) return _size; } }

    /// <summary>Whether the plain bytes are held, not only made again from the gzip form on request.</summary>
    internal bool HoldsPlain => Volatile.Read(ref _identity) is not null;

    /// <summary>
    /// The body in <paramref name="coding"/>, compressed on the first request for it. A page that does
    /// not get smaller (a tiny one) is served as it is. Concurrent first requests wait for one
    /// compression instead of each doing it.
    /// </summary>
    public EncodedBody For(ContentCoding coding)
    {
        if (coding == ContentCoding.Identity)
            return TryGetPlain(out var plain) ? plain : new EncodedBody(ContentCoding.Identity, Inflate(), ETag);
        var known = coding == ContentCoding.Gzip ? Volatile.Read(ref _gzip) : Volatile.Read(ref _brotli);
        return known ?? Compress(coding);
    }

    /// <summary>
    /// What a response in <paramref name="coding"/> sends. Its bytes are null for a demoted page asked for no coding and
    /// asked for rarely: that response inflates the plain bytes itself (<see cref="InflateInto"/>) and keeps none.
    /// </summary>
    internal ResponseBody ForResponse(ContentCoding coding)
    {
        if (coding == ContentCoding.Identity)
            return TryGetPlain(out var plain) ? new(plain.Body, plain.ETag, plain.Coding) : new(null, ETag, ContentCoding.Identity);
        // The request that rendered this page wants a coding, not the plain bytes it rendered: let them go now, not
        // when the next page enters on this thread (a page as large as /simple/ would stay pinned, uncounted, till then).
        if (ReferenceEquals(_justEntered.Page, this)) _justEntered = default;
        if (coding == ContentCoding.Gzip && Volatile.Read(ref _gzipBytes) is { } gzip) return new(gzip, _gzipETag!, ContentCoding.Gzip);
        var encoded = For(coding);
        return new(encoded.Body, encoded.ETag, encoded.Coding);
    }

    /// <summary>The plain body's length, whether or not the page holds it.</summary>
    internal int Length { get; }

    /// <summary>
    /// The plain body when the page holds it, or holds it again now: when it is asked for often
    /// (<see cref="HotHits"/>) or its cache has room (PageCache.HasRoomForPlain). False for a demoted page
    /// asked for rarely, whose plain bytes a response makes with <see cref="InflateInto"/> and does not keep.
    /// </summary>
    private bool TryGetPlain(out EncodedBody plain)
    {
        if (Volatile.Read(ref _identity) is { } held)
        {
            plain = held;
            return true;
        }
        if (ReferenceEquals(_justEntered.Page, this))
        {
            plain = _justEntered.Plain!;
            _justEntered = default;
            return true;
        }
        if (Volatile.Read(ref _hits) < HotHits && Volatile.Read(ref _owner) is not { HasRoomForPlain: true })
        {
            plain = null!;
            return false;
        }
        var made = new EncodedBody(ContentCoding.Identity, Inflate(), ETag);
        PageCache? grown;
        lock (AccountingGates[_stripe])
        {
            if (_identity is not null)
            {
                plain = _identity;
                return true;
            }
            _identity = made;
            grown = Resize(Length + BodyOverhead);
        }
        grown?.TrimIfOver();
        plain = made;
        return true;
    }

    /// <summary>Writes the plain body of a demoted page, inflated from its gzip form, into <paramref name="destination"/>
    /// (<see cref="Length"/> bytes).</summary>
    internal void InflateInto(Span<byte> destination)
    {
        var gzip = Volatile.Read(ref _gzip)!;
        using var inflate = new GZipStream(new MemoryStream(gzip.Body, writable: false), CompressionMode.Decompress);
        inflate.ReadExactly(destination[..Length]);
    }

    private byte[] Inflate()
    {
        var body = new byte[Length];
        InflateInto(body);
        return body;
    }

    /// <summary>Counts a hit in the cache (up to <see cref="HotHits"/>).</summary>
    internal void Hit()
    {
        if (_hits < HotHits) _hits++;
    }

    private EncodedBody Compress(ContentCoding coding)
    {
        PageCache? grown;
        EncodedBody made;
        // One compression per coding, made outside the accounting lock: charging and discharging this page
        // (which every change to its project does) never waits behind a Brotli pass over a large page.
        lock (CompressionGates[_stripe])
        {
            var known = coding == ContentCoding.Gzip ? _gzip : _brotli;
            if (known is not null) return known;
            var plain = For(ContentCoding.Identity);
            var bytes = coding == ContentCoding.Gzip ? Gzip(plain.Body) : Brotli(plain.Body);
            made = bytes.Length < plain.Body.Length
                ? new EncodedBody(coding, bytes, $"\"{ETag[1..^1]}-{ContentCodingNegotiation.Token(coding)}\"")
                : plain;
            // A demoted page's plain bytes are made for one response; kept as a coding's form they would be
            // held uncounted. Only a tiny page fails to shrink, so sending it plain each time costs little.
            if (made == plain && !ReferenceEquals(plain, _identity)) return plain;
            var added = made == plain ? 0 : bytes.Length + BodyOverhead;
            lock (AccountingGates[_stripe]) grown = Resize(added);
            if (coding == ContentCoding.Gzip)
            {
                Volatile.Write(ref _gzip, made);
                if (made.Coding == ContentCoding.Gzip)
                {
                    _gzipETag = made.ETag;
                    Volatile.Write(ref _gzipBytes, made.Body);
                }
            }
            else Volatile.Write(ref _brotli, made);
        }
        grown?.TrimIfOver();
        return made;
    }

    /// <summary>Unless <paramref name="keepPlain"/>, makes the gzip form (the one pip asks for) and lets go of the
    /// plain bytes when it is smaller: done as the page enters the cache, before it is counted. A page kept plain
    /// is compressed when a client first asks for a coding, as any page outside a cache short of room.</summary>
    internal void EnterCompressed(bool keepPlain)
    {
        if (keepPlain) return;
        For(ContentCoding.Gzip);
        var plain = Volatile.Read(ref _identity);
        if (DropPlain() > 0) _justEntered = (this, plain!);
    }

    // The request that rendered a page puts it in the cache and then writes it, on the same thread and without
    // an await between: if it asks for the plain bytes, it gets the ones it rendered instead of an inflation.
    [ThreadStatic] private static (RenderedPage? Page, EncodedBody? Plain) _justEntered;

    /// <summary>What the cache's sweep does to a page as it passes: the hit count starts again; a page asked for
    /// less than <see cref="HotHits"/> times since the last pass gives up its plain bytes if its gzip form is
    /// made and smaller (a page that entered with room to spare and was never asked for gzip keeps them, and is
    /// dropped when idle). Returns the bytes freed, and whether the page is idle: not asked for at all, with
    /// nothing left to give up.</summary>
    internal long Age(out bool idle)
    {
        var hits = Interlocked.Exchange(ref _hits, 0);
        idle = false;
        if (hits >= HotHits) return 0;
        var freed = DropPlain();
        idle = freed == 0 && hits == 0;
        return freed;
    }

    /// <summary>Lets go of the plain bytes when a smaller gzip form is held; returns the bytes freed.</summary>
    private long DropPlain()
    {
        if (Volatile.Read(ref _gzip) is not { Coding: ContentCoding.Gzip }) return 0;
        lock (AccountingGates[_stripe])
        {
            if (_identity is null) return 0;
            _identity = null;
            Resize(-(Length + BodyOverhead));
            return Length + BodyOverhead;
        }
    }

    /// <summary>Changes this page's size and its cache's count together; returns the cache. Called under the
    /// accounting lock, so a page leaving the cache at the same moment takes these bytes out with it or never had
    /// them counted.</summary>
    private PageCache? Resize(long bytes)
    {
        _size += bytes;
        _owner?.Add(bytes);
        return _owner;
    }

    /// <summary>Counts this page's bytes in <paramref name="cache"/>; returns them (0 when it is already counted).</summary>
    internal long Charge(PageCache cache)
    {
        lock (AccountingGates[_stripe])
        {
            if (_owner is not null) return 0;
            _owner = cache;
            return _size;
        }
    }

    /// <summary>Stops counting this page's bytes; returns what was counted (0 when nothing was).</summary>
    internal long Discharge()
    {
        lock (AccountingGates[_stripe])
        {
            if (_owner is null) return 0;
            _owner = null;
            return _size;
        }
    }

    private static Lock[] NewStripes() => [.. Enumerable.Range(0, StripeCount).Select(_ => new Lock())];

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

/// <summary>What one response sends: the bytes (null when the response inflates them itself), their ETag and coding.</summary>
internal readonly record struct ResponseBody(byte[]? Bytes, string ETag, ContentCoding Coding);

/// <summary>A page's body in one content coding, with its ETag, made once.</summary>
public sealed class EncodedBody(ContentCoding coding, byte[] body, string etag)
{
    public ContentCoding Coding { get; } = coding;
    public byte[] Body { get; } = body;

    /// <summary>Distinct per coding: a cache holding the gzip bytes must not revalidate them as the plain ones.</summary>
    public string ETag { get; } = etag;
}
