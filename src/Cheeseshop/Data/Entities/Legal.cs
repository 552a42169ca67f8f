namespace Cheeseshop.Data.Entities;

/// <summary>
/// A legal request (subpoena, court order, ...) or a user's own request for their data: what was asked,
/// by whom, about whom, in what scope, by when, and how it ended. Kept by the retention policy
/// (legal_requests) after it is closed; counted in the transparency report.
/// </summary>
public sealed class LegalRequest
{
    public long Id { get; set; }
    /// <summary>One of Core.Disclosure.RequestKinds.</summary>
    public required string Kind { get; set; }
    public required string Authority { get; set; }
    public required string Reference { get; set; }
    public DateTime Received { get; set; }
    public DateTime Due { get; set; }
    /// <summary>Start of the scope (inclusive); null: from the beginning.</summary>
    public DateTime? ScopeFrom { get; set; }
    /// <summary>End of the scope (exclusive); null: up to the time of production.</summary>
    public DateTime? ScopeTo { get; set; }
    /// <summary>The requested category keys, space-separated, in package order.</summary>
    public required string Categories { get; set; }
    /// <summary>Until when an order forbids telling the subjects; their notices wait until then.</summary>
    public DateTime? NondisclosureUntil { get; set; }
    public string? Note { get; set; }
    /// <summary>"operator" (legal create), "admin-export" (users export) or "self-service" (the account page).</summary>
    public required string Origin { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime Created { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    /// <summary>One of Core.Disclosure.RequestOutcomes once closed.</summary>
    public string? Outcome { get; set; }
    public string? CloseNote { get; set; }

    public List<LegalRequestSubject> Subjects { get; set; } = [];
}

/// <summary>An account a request concerns, and the notice it gets.</summary>
public sealed class LegalRequestSubject
{
    public long Id { get; set; }
    public long LegalRequestId { get; set; }
    public LegalRequest? LegalRequest { get; set; }
    /// <summary>Null once the account is erased.</summary>
    public Guid? UserId { get; set; }
    /// <summary>The username when the request was recorded.</summary>
    public required string Username { get; set; }
    /// <summary>Null while the request is open; then "waiting" (an order delays it), "sent" or "undeliverable".</summary>
    public string? NoticeStatus { get; set; }
    /// <summary>When a waiting notice is to be sent.</summary>
    public DateTime? NoticeDue { get; set; }
    public DateTime? NoticeSentAt { get; set; }
    /// <summary>True when an order held the notice back (counted in the transparency report).</summary>
    public bool NoticeDelayed { get; set; }
}

/// <summary>
/// One package produced for a request: who produced it, when, as of when, and the SHA-256 of the zip,
/// which proves what was sent (the same data and --as-of give the same bytes). The package itself is
/// never stored by Cheeseshop.
/// </summary>
public sealed class DisclosureRecord
{
    public long Id { get; set; }
    public long LegalRequestId { get; set; }
    /// <summary>The package's produced_at (the --as-of time or the time of production).</summary>
    public DateTime ProducedAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public required string ProducedBy { get; set; }
    public required string Sha256 { get; set; }
    public long Bytes { get; set; }
    /// <summary>The zip's file name (not its folder).</summary>
    public required string FileName { get; set; }
    /// <summary>The categories included, space-separated.</summary>
    public required string Categories { get; set; }
    /// <summary>JSON: username → category key → rows.</summary>
    public required string CountsJson { get; set; }
}
