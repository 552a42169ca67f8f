namespace Cheeseshop.Data.Entities;

/// <summary>
/// An administrator's invitation to create an account, sent to an email address. Only the SHA-256 of the link's
/// secret is kept. The row stays after it is used or revoked, so that the link can say so, until retention
/// removes it some time after its expiry.
/// </summary>
public sealed class AccountInvitation
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required byte[] SecretHash { get; set; }
    /// <summary>Who invited, as the audit log names them: a username, or "cli:OS_USER".</summary>
    public required string InvitedBy { get; set; }
    public DateTime Created { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    /// <summary>The account made with it.</summary>
    public Guid? UserId { get; set; }
    public DateTime? RevokedAt { get; set; }
}
