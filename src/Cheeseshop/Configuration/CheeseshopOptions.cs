using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Configuration;

/// <summary>
/// Everything an operator can set; see AppConfiguration for where values come from.
/// </summary>
public sealed class CheeseshopOptions
{
    /// <summary>Where the embedded default keeps its SQLite database, files and secrets.</summary>
    [Required] public string DataDir { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();

    /// <summary>The URL clients reach this index at, when it differs from what requests say (behind a proxy).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The file holding the secret key of the keyed IP hashes (default DATA_DIR/secrets/ip-hash.key).</summary>
    public string? IpHashKeyFile { get; set; }

    /// <summary>A MaxMind-format country database (.mmdb); default DATA_DIR/geoip/country.mmdb when present.</summary>
    public string? GeoIpDatabase { get; set; }

    /// <summary>Proxies whose X-Forwarded-For is believed, besides loopback (addresses or CIDR networks).</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Log one line per request (method, path, status, time, keyed client hash; never the address).</summary>
    public bool RequestLog { get; set; } = true;

    /// <summary>Retention overrides: data class key → days (see Core.Privacy.RetentionPolicy and docs/privacy.md).</summary>
    public Dictionary<string, int> Retention { get; set; } = [];

    /// <summary>Most projects whose rendered pages are kept in memory; 0 keeps every project's.</summary>
    [Range(0, int.MaxValue)] public int PageCacheMaxProjects { get; set; }

    /// <summary>How often a node reads the journal for changes made by other nodes (milliseconds).</summary>
    [Range(50, 60_000)] public int JournalPollMilliseconds { get; set; } = 1000;

    /// <summary>Download statistics: recording, queue and rollup (see docs/downloads.md).</summary>
    public global::Cheeseshop.Downloads.DownloadsOptions Downloads { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary>An Npgsql connection string. When set, PostgreSQL is used instead of the embedded SQLite.</summary>
    public string? PostgreSQL { get; set; }
}

public sealed class LimitOptions
{
    /// <summary>Largest distribution file accepted (bytes). PyPI's default is 100 MiB.</summary>
    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;
    /// <summary>Largest total size of one project's files (bytes). PyPI's default is 10 GiB.</summary>
    [Range(1, long.MaxValue)] public long MaxProjectBytes { get; set; } = 10L * 1024 * 1024 * 1024;
    /// <summary>Largest METADATA / PKG-INFO read out of an archive (bytes).</summary>
    [Range(1024, 64 * 1024 * 1024)] public long MaxMetadataBytes { get; set; } = 4L * 1024 * 1024;
    /// <summary>Most entries an uploaded archive may hold.</summary>
    [Range(1, int.MaxValue)] public int MaxArchiveEntries { get; set; } = 100_000;
    /// <summary>Highest compression ratio accepted for the metadata entry (zip bombs).</summary>
    [Range(1, 10_000)] public double MaxCompressionRatio { get; set; } = 100;
    /// <summary>Largest total of the non-file upload form fields (bytes).</summary>
    [Range(1024, 64 * 1024 * 1024)] public int MaxFormFieldsBytes { get; set; } = 4 * 1024 * 1024;
}
