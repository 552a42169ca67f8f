using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Cheeseshop.Configuration;

/// <summary>
/// The settings at the root of the configuration and their sections Database, Storage, Limits, Cache and
/// Retention; see AppConfiguration for where values come from. Features with a section of their own
/// (Downloads, Mail, Disclosure) bind it beside their services.
/// </summary>
public sealed class CheeseshopOptions : IValidatableObject
{
    /// <summary>Where the embedded default keeps its SQLite database, files and secrets.</summary>
    [Required] public string DataDir { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();
    [ValidateObjectMembers] public StorageOptions Storage { get; set; } = new();
    [ValidateObjectMembers] public LimitOptions Limits { get; set; } = new();
    [ValidateObjectMembers] public ConnectionOptions Connections { get; set; } = new();

    /// <summary>The URL clients reach this index at, when it differs from what requests say (behind a proxy).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The file holding the secret key of the keyed IP hashes (default DATA_DIR/secrets/ip-hash.key).</summary>
    public string? IpHashKeyFile { get; set; }

    /// <summary>A MaxMind-format country database (.mmdb); default DATA_DIR/geoip/country.mmdb when present.</summary>
    public string? GeoIpDatabase { get; set; }

    /// <summary>Proxies whose X-Forwarded-For is believed, besides loopback (addresses or CIDR networks).</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Whether anyone may create an account on the register page (Open) or only an administrator,
    /// with the CLI (Closed).</summary>
    public RegistrationMode Registration { get; set; } = RegistrationMode.Open;

    /// <summary>Log one line per request (method, path, status, time, keyed client hash; never the address).</summary>
    public bool RequestLog { get; set; } = true;

    /// <summary>Retention overrides: data class key → days (see Core.Privacy.RetentionPolicy and docs/privacy.md).</summary>
    public Dictionary<string, int> Retention { get; set; } = [];

    [ValidateObjectMembers] public CacheOptions Cache { get; set; } = new();

    /// <summary>How often a node reads the journal for changes made by other nodes (milliseconds).</summary>
    [Range(50, 60_000)] public int JournalPollMilliseconds { get; set; } = 1000;

    /// <summary>Rules no attribute expresses: retention keys come from the policy, proxies must parse.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? retention = null;
        try { Core.Privacy.RetentionPolicy.Configure(Retention); }
        catch (ArgumentException e) { retention = e.Message; }
        if (retention is not null) yield return new ValidationResult("Retention: " + retention, [nameof(Retention)]);
        foreach (var entry in TrustedProxies.Where(e => !(e.Contains('/') ? System.Net.IPNetwork.TryParse(e, out _) : IPAddress.TryParse(e, out _))))
            yield return new ValidationResult($"TrustedProxies: '{entry}' is not an IP address or a CIDR network.", [nameof(TrustedProxies)]);
    }
}

public enum RegistrationMode
{
    Open,
    Closed,
}

/// <summary>The page cache: rendered Simple and JSON API pages and their compressed forms.</summary>
public sealed class CacheOptions
{
    /// <summary>Most memory the cached pages may hold; near it, pages asked for rarely keep only their gzip form, and
    /// past it projects not asked for are dropped. The default holds every page of a 100,000-project index in one
    /// form and keeps the whole server under 512 MB (docs/performance.md).</summary>
    [Range(1, 1024 * 1024)] public int MaxMegabytes { get; set; } = 192;
}

public sealed class DatabaseOptions
{
    /// <summary>An Npgsql connection string. When set, PostgreSQL is used instead of the embedded SQLite.</summary>
    public string? PostgreSQL { get; set; }
}

/// <summary>Where distribution files are kept: DATA_DIR/files unless an S3 bucket is named.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public S3StorageOptions S3 { get; set; } = new();

    public bool UsesS3 => !string.IsNullOrWhiteSpace(S3.Bucket);

    /// <summary>The S3 settings matter only once a bucket is named; then they stop the program at start
    /// rather than fail at the first upload.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesS3) return [];
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(S3, new ValidationContext(S3), results, validateAllProperties: true))
            results.AddRange(S3.Rules());
        return results.Select(r => new ValidationResult($"Storage:S3: {r.ErrorMessage}", [nameof(S3)]));
    }
}

/// <summary>An S3-compatible object store (AWS S3, MinIO, Ceph, Garage, ...). Used when Bucket is set.</summary>
public sealed class S3StorageOptions
{
    /// <summary>The bucket; it must exist. Setting it switches storage from the local folder to S3.</summary>
    public string? Bucket { get; set; }
    /// <summary>The endpoint of a non-AWS store, e.g. http://minio:9000. Empty for AWS itself (Region decides).</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>The region requests are signed for (AWS: where the bucket is). Default us-east-1.</summary>
    public string? Region { get; set; }
    /// <summary>Access key and secret; both empty uses the AWS SDK's own chain (AWS_* variables, instance role).</summary>
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>Put before every key, e.g. "cheeseshop/", to share a bucket with other things; ends in "/".</summary>
    public string? Prefix { get; set; }

    /// <summary>S3 keys are at most 1,024 bytes; the longest stored key after the prefix is the hash
    /// folders (2, 2 and 60 hex digits with their slashes, 67 bytes), the longest filename and ".metadata".</summary>
    public const int MaxPrefixBytes = 1024 - 67 - Core.Packaging.DistributionFilename.MaxFilenameBytes - 9;
    /// <summary>Address the bucket in the path (http://host/bucket/key) rather than the host name: what most
    /// S3-compatible servers need. AWS accepts both.</summary>
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>Files larger than this go up in parts of this size (multipart upload). S3's smallest part is 5 MiB.</summary>
    [Range(5L * 1024 * 1024, 5L * 1024 * 1024 * 1024)] public long PartSizeBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>What the attributes cannot say about a combination of settings.</summary>
    internal IEnumerable<ValidationResult> Rules()
    {
        if (Prefix is not null && System.Text.Encoding.UTF8.GetByteCount(Prefix) > MaxPrefixBytes)
            yield return new ValidationResult($"Prefix is longer than {MaxPrefixBytes} bytes, so the longest file's key would pass S3's limit of 1,024.");
        // S3 matches prefixes as plain text: "cheeseshop" would also list "cheeseshop-backup/...", which the
        // orphan sweep would then take for files of ours.
        if (!string.IsNullOrEmpty(Prefix) && !Prefix.EndsWith('/'))
            yield return new ValidationResult($"Prefix '{Prefix}' must end in '/' (for example '{Prefix}/'), so that it names a folder of its own in the bucket.");
        if (string.IsNullOrWhiteSpace(AccessKey) != string.IsNullOrWhiteSpace(SecretKey))
            yield return new ValidationResult("set both AccessKey and SecretKey, or neither (to use the AWS SDK's credential chain).");
        if (!string.IsNullOrWhiteSpace(ServiceUrl) &&
            !(Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            yield return new ValidationResult($"ServiceUrl '{ServiceUrl}' is not an http(s) URL.");
    }
}

/// <summary>
/// What a connection may cost the server (Kestrel's limits, set on purpose rather than left at its
/// defaults). A connection costs memory and a socket while it sits idle, so idle ones are closed and
/// their number is capped; uploads of the largest file (100 MiB) must still get through on slow links,
/// so the minimum body rate is low and only averaged after a grace period.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>Most open connections; more are accepted and closed at once. Idle keep-alive ones count.</summary>
    [Range(1, 1_000_000)] public int MaxConcurrentConnections { get; set; } = 1000;
    /// <summary>How long a connection may sit idle between two requests before the server closes it.</summary>
    [Range(1, 3600)] public int KeepAliveTimeoutSeconds { get; set; } = 30;
    /// <summary>How long a client has to send a request's headers once it starts (slow-header attacks).</summary>
    [Range(1, 600)] public int RequestHeadersTimeoutSeconds { get; set; } = 15;
    /// <summary>Slowest request body accepted, averaged once the grace period has passed: 1 KiB/s moves
    /// 100 MiB in about 28 hours, so only a client that has all but stopped is cut off.</summary>
    [Range(1, 100L * 1024 * 1024)] public double MinRequestBodyBytesPerSecond { get; set; } = 1024;
    /// <summary>How long a request body may go slower than the minimum (a stalled link recovering).</summary>
    [Range(1, 3600)] public int MinRequestBodyGraceSeconds { get; set; } = 30;
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
