namespace Cheeseshop.Data.Entities;

/// <summary>
/// A legal hold: while active (not released, not past Until), retention and account deletion keep
/// every record of the held user or project.
/// </summary>
public sealed class LegalHold
{
    public long Id { get; set; }
    public Guid? UserId { get; set; }
    public Guid? ProjectId { get; set; }
    /// <summary>The subject's name when the hold was placed (the account may be renamed or deleted later).</summary>
    public required string SubjectName { get; set; }
    public DateTime Until { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime Created { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public string? ReleasedBy { get; set; }
    /// <summary>The legal request that placed it, if any.</summary>
    public long? LegalRequestId { get; set; }
}

/// <summary>The admin audit log: appended to, never edited (a database trigger refuses updates).</summary>
public sealed class AdminAuditEntry
{
    public long Id { get; set; }
    public DateTime Time { get; set; }
    /// <summary>Who: an admin's username, or "cli:OS_USER".</summary>
    public required string Actor { get; set; }
    /// <summary>What, e.g. "hold.create", "hold.release", "retention.run", "legal.produce".</summary>
    public required string Action { get; set; }
    public string? Subject { get; set; }
    public string DetailsJson { get; set; } = "{}";
}

/// <summary>What a retention run did: counts per data class, never the data.</summary>
public sealed class RetentionRun
{
    public long Id { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime AsOf { get; set; }
    public bool DryRun { get; set; }
    public required string Actor { get; set; }
    /// <summary>JSON object: data class key → rows erased (or that would be, in a dry run).</summary>
    public required string CountsJson { get; set; }
}
