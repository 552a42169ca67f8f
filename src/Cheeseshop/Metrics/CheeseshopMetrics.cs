using System.Diagnostics.Metrics;
using Cheeseshop.Core.Upload;

namespace Cheeseshop.Metrics;

/// <summary>
/// The index's own instruments (meter "Cheeseshop"), registered for the server and the admin verbs alike;
/// only a server with metrics on listens to them, and an instrument nobody listens to costs a branch.
/// No instrument takes a tag whose value comes from a request (project, file or user name, address):
/// every tag value is one of a fixed few, so the series stay bounded and carry no personal data.
/// </summary>
public sealed class CheeseshopMetrics
{
    public const string MeterName = "Cheeseshop";

    private readonly Counter<long> _uploadedFiles;
    private readonly Counter<long> _uploadedBytes;
    private readonly Counter<long> _refusedUploads;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _rollupRuns;
    private readonly Counter<long> _rollupEvents;
    private readonly Counter<long> _retentionRuns;
    private readonly Counter<long> _retentionRows;
    private long _openConnections;

    public CheeseshopMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _uploadedFiles = Meter.CreateCounter<long>("cheeseshop.uploads.files", "{file}",
            "Files uploaded, by outcome: accepted (new to the index) or already_present (the same file again)");
        _uploadedBytes = Meter.CreateCounter<long>("cheeseshop.uploads.bytes", "By", "Bytes of accepted uploads");
        _refusedUploads = Meter.CreateCounter<long>("cheeseshop.uploads.refused", "{request}", "Uploads refused, by reason");
        _cacheHits = Meter.CreateCounter<long>("cheeseshop.page_cache.hits", "{request}", "Pages served from the page cache");
        _cacheMisses = Meter.CreateCounter<long>("cheeseshop.page_cache.misses", "{request}", "Pages rendered because the cache did not hold them");
        _rollupRuns = Meter.CreateCounter<long>("cheeseshop.rollup.runs", "{run}", "Download rollups run by this process");
        _rollupEvents = Meter.CreateCounter<long>("cheeseshop.rollup.events", "{event}", "Download events counted into daily rows by this process");
        _retentionRuns = Meter.CreateCounter<long>("cheeseshop.retention.runs", "{run}", "Retention runs (not dry runs) by this process");
        _retentionRows = Meter.CreateCounter<long>("cheeseshop.retention.rows", "{row}", "Rows erased or thinned by retention in this process, by data class");
        Meter.CreateObservableUpDownCounter("cheeseshop.db.connections.open", () => Interlocked.Read(ref _openConnections), "{connection}",
            "Database connections this process holds open now");
        Connections = new ConnectionMetrics(this);
    }

    public Meter Meter { get; }

    /// <summary>The EF Core interceptor that counts open connections (Data/DatabaseRegistration adds it).</summary>
    public ConnectionMetrics Connections { get; }

    public void Uploaded(UploadVerdict verdict, long bytes)
    {
        if (verdict == UploadVerdict.Accepted)
        {
            _uploadedFiles.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
            _uploadedBytes.Add(bytes);
        }
        else _uploadedFiles.Add(1, new KeyValuePair<string, object?>("outcome", "already_present"));
    }

    public void UploadRefused(UploadVerdict verdict) => UploadRefused(verdict switch
    {
        UploadVerdict.BadRequest => "bad_request",
        UploadVerdict.Forbidden => "forbidden",
        UploadVerdict.Conflict => "conflict",
        UploadVerdict.TooLarge => "too_large",
        UploadVerdict.Gone => "gone",
        _ => "other",
    });

    /// <summary>A refusal by authentication, before the upload is looked at: 429 (too many failed attempts)
    /// or missing, wrong, expired or unacceptable credentials.</summary>
    public void UploadRefusedByAuth(int status) => UploadRefused(status == 429 ? "throttled" : "credentials");

    /// <summary>Valid credentials that may not upload at all (a read-only token).</summary>
    public void UploadRefusedToReader() => UploadRefused("forbidden");

    private void UploadRefused(string reason) => _refusedUploads.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void CacheHit() => _cacheHits.Add(1);

    public void CacheMiss() => _cacheMisses.Add(1);

    public void RollupRan(long events)
    {
        _rollupRuns.Add(1);
        _rollupEvents.Add(events);
    }

    /// <param name="counts">Data class key (a fixed catalogue) and rows.</param>
    public void RetentionRan(IEnumerable<(string Key, long Rows)> counts)
    {
        _retentionRuns.Add(1);
        foreach (var (key, rows) in counts) _retentionRows.Add(rows, new KeyValuePair<string, object?>("class", key));
    }

    internal void ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    internal void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);
}
