using System.Diagnostics.Metrics;
using System.Text.Json;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Metrics;

/// <summary>
/// Gauges of the server's state, read when /metrics is scraped: the page cache's size, and from the
/// database (so that other nodes' and the admin verbs' work shows too) the journal's newest serial and
/// when retention and the download rollup last ran. The database is read once per scrape however many
/// gauges ask (a snapshot kept for a second); when it cannot be read, its gauges report nothing rather
/// than stale values, and the log says why.
/// </summary>
public sealed class StateGauges
{
    private static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(1);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger<StateGauges> _log;
    private readonly Lock _gate = new();
    private (Snapshot? Value, DateTimeOffset At) _snapshot;

    public StateGauges(CheeseshopMetrics metrics, PageCache cache, IServiceScopeFactory scopes, TimeProvider clock, ILogger<StateGauges> log)
    {
        (_scopes, _clock, _log) = (scopes, clock, log);
        var meter = metrics.Meter;
        meter.CreateObservableGauge("cheeseshop.page_cache.entries", () => (long)cache.Count, "{project}", "Projects with pages in the page cache");
        meter.CreateObservableGauge("cheeseshop.page_cache.bytes", () => cache.Bytes, "By", "Bytes the page cache holds (pages and their compressed forms)");
        meter.CreateObservableGauge("cheeseshop.page_cache.limit", () => cache.MaxBytes, "By", "Cache__MaxMegabytes, in bytes");
        meter.CreateObservableGauge("cheeseshop.journal.serial", () => Read(s => s.Serial), "{serial}", "The newest journal serial (the index's last change)");
        meter.CreateObservableGauge("cheeseshop.retention.last_run", () => Read(s => s.RetentionAt), "s",
            "When retention last ran (not a dry run), as Unix time, on any node or by the admin verb");
        meter.CreateObservableGauge("cheeseshop.retention.last_run_rows", RetentionRows, "{row}",
            "Rows the last retention run erased or thinned, by data class");
        meter.CreateObservableGauge("cheeseshop.rollup.last_run", () => Read(s => s.RollupAt), "s",
            "When the download rollup last ran, as Unix time, on any node or by the admin verb");
    }

    private sealed record Snapshot(long Serial, long? RetentionAt, IReadOnlyList<(string Class, long Rows)> RetentionRows, long? RollupAt);

    private IEnumerable<Measurement<long>> Read(Func<Snapshot, long?> pick) =>
        Current() is { } s && pick(s) is { } value ? [new Measurement<long>(value)] : [];

    private IEnumerable<Measurement<long>> RetentionRows() =>
        Current() is { } s ? s.RetentionRows.Select(r => new Measurement<long>(r.Rows, new KeyValuePair<string, object?>("class", r.Class))) : [];

    private Snapshot? Current()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (now - _snapshot.At < SnapshotLifetime) return _snapshot.Value;
            _snapshot = (Load(), now);
            return _snapshot.Value;
        }
    }

    /// <summary>Synchronous: the exporter collects gauges synchronously, and this runs once per scrape.</summary>
    private Snapshot? Load()
    {
        try
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            var serial = db.Journals.Max(j => (long?)j.Id) ?? 0;
            var retention = db.RetentionRuns.AsNoTracking().Where(r => !r.DryRun).OrderByDescending(r => r.Id)
                .Select(r => new { r.StartedAt, r.CountsJson }).FirstOrDefault();
            var rollup = db.DownloadRollupState.AsNoTracking().Where(s => s.Id == 1).Select(s => (DateTime?)s.LastRunAt).FirstOrDefault();
            var rows = retention is null ? [] : (JsonSerializer.Deserialize<Dictionary<string, long>>(retention.CountsJson) ?? [])
                .Select(kv => (kv.Key, kv.Value)).ToList();
            return new Snapshot(serial, retention is null ? null : UnixSeconds(retention.StartedAt), rows,
                rollup is { } at ? UnixSeconds(at) : null);
        }
        catch (Exception e)
        {
            _log.LogWarning("Metrics: the database could not be read for the journal, retention and rollup gauges: {Error}", e.Message);
            return null;
        }
    }

    private static long UnixSeconds(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();
}
