namespace Cheeseshop.Data.Entities;

/// <summary>
/// The only place a raw client address lives, and only until the retention policy erases it; every
/// event points here. The keyed hash and the country stay after erasure, so events remain linkable
/// ("the same client") without saying who.
/// </summary>
public sealed class IpAddressRecord
{
    public long Id { get; set; }
    /// <summary>HMAC-SHA256 of the canonical address under the server's secret (hex); unique.</summary>
    public required string HashedIp { get; set; }
    /// <summary>The address itself; null once erased.</summary>
    public string? Address { get; set; }
    public string? CountryCode { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
    public DateTime? AddressErasedAt { get; set; }
}

/// <summary>Something that happened to an account: tag from Core.Audit.EventTags.</summary>
public sealed class UserEvent
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required string Tag { get; set; }
    public DateTime Time { get; set; }
    public long? IpAddressId { get; set; }
    public IpAddressRecord? IpAddress { get; set; }
    /// <summary>JSON object: parsed user agent, country, and the tag's own details.</summary>
    public string AdditionalJson { get; set; } = "{}";
}

/// <summary>Something that happened to a project, and who caused it.</summary>
public sealed class ProjectEvent
{
    public long Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Tag { get; set; }
    public DateTime Time { get; set; }
    /// <summary>The account that caused it (null for the operator's CLI or a deleted account).</summary>
    public Guid? UserId { get; set; }
    public long? IpAddressId { get; set; }
    public IpAddressRecord? IpAddress { get; set; }
    public string AdditionalJson { get; set; } = "{}";
}
