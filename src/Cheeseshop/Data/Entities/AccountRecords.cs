namespace Cheeseshop.Data.Entities;

/// <summary>A single-use two-factor recovery code; only its SHA-256 is kept.</summary>
public sealed class RecoveryCode
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTime Created { get; set; }
    public DateTime? UsedAt { get; set; }
}

/// <summary>An Owner's invitation to a user to take a role on a project; accepted or declined by the invitee.</summary>
public sealed class RoleInvitation
{
    public long Id { get; set; }
    public Guid ProjectId { get; set; }
    public Project? Project { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public Guid? InvitedById { get; set; }
    public required string RoleName { get; set; }
    public DateTime Created { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>An admin's change of a username: old, new, by whom, when. Kept with the account.</summary>
public sealed class UsernameChange
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required string OldUsername { get; set; }
    public required string NewUsername { get; set; }
    /// <summary>The admin account, when made through the site.</summary>
    public Guid? ChangedById { get; set; }
    /// <summary>Who did it, as text: the admin's username, or "cli:OS_USER" for the command line.</summary>
    public required string ChangedBy { get; set; }
    public DateTime Time { get; set; }
}

/// <summary>A record that an email was sent (not its body): kept for the outbox retention window.</summary>
public sealed class SentEmail
{
    public long Id { get; set; }
    public Guid? UserId { get; set; }
    public required string ToAddress { get; set; }
    public required string Subject { get; set; }
    /// <summary>What kind of message: verify-email, password-reset, role-invitation, account-deleted, ...</summary>
    public required string Kind { get; set; }
    public DateTime Time { get; set; }
}
