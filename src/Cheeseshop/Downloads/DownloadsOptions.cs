using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Downloads;

/// <summary>Download statistics settings (CHEESESHOP_Downloads__*). See docs/downloads.md.</summary>
public sealed class DownloadsOptions
{
    public const string Section = "Downloads";

    /// <summary>Record one event per file download (GET answered 200, or 206 from byte 0).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Also record GETs of /simple/{project}/, as PyPI's simple_requests table. Off by default.</summary>
    public bool RecordSimpleRequests { get; set; }

    /// <summary>Events waiting to be written; when full, new events are dropped (and counted), never waited for.</summary>
    [Range(1, 10_000_000)] public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Most events one insert writes.</summary>
    [Range(1, 100_000)] public int BatchSize { get; set; } = 1000;

    /// <summary>Longest time an event waits in the queue before its batch is written (milliseconds).</summary>
    [Range(10, 3_600_000)] public int FlushMilliseconds { get; set; } = 1000;

    /// <summary>How often the daily aggregates are brought up to date (minutes); today's are partial until tomorrow.</summary>
    [Range(1, 1440)] public int RollupMinutes { get; set; } = 60;
}
