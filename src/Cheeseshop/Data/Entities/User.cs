using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Data.Entities;

/// <summary>An account. Only what running an index needs: no postal address, no display-name history.</summary>
public sealed class User
{
    public Guid Id { get; set; }
    public required string Username { get; set; }
    /// <summary>Lower-cased username: uniqueness is case-insensitive on every database.</summary>
    public required string NormalizedUsername { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>Argon2id PHC string; null for the tombstone account, which cannot log in.</summary>
    public string? PasswordHash { get; set; }
    public DateTime DateJoined { get; set; }
    public DateTime? LastLogin { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsFrozen { get; set; }
    public bool IsAdmin { get; set; }
    /// <summary>Set when the user deleted the account while a legal hold kept its records: the account
    /// no longer works or shows, and retention erases it once no hold remains.</summary>
    public DateTime? DeletedAt { get; set; }
    /// <summary>Changes whenever sign-ins must end (password change, deletion, sign out everywhere):
    /// session cookies carry it and stop working when it differs. Sessions themselves are not stored.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    /// <summary>TOTP secret, encrypted with the server's data-protection keys; null without two-factor.</summary>
    public string? TotpSecretProtected { get; set; }
    /// <summary>The last TOTP time step accepted: a code is never accepted twice.</summary>
    public long? TotpLastStep { get; set; }
    /// <summary>When the owner last started "Download your data": the once-a-day limit is claimed by one
    /// conditional update of this column, so two requests at once cannot both pass it.</summary>
    public DateTime? LastSelfExportAt { get; set; }

    public List<UserEmail> Emails { get; set; } = [];
}

public sealed class UserEmail
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required string Email { get; set; }
    public bool IsPrimary { get; set; }
    public bool IsVerified { get; set; }
}

/// <summary>An API token: only the SHA-256 of its secret is kept.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    /// <summary>When set, the token may only upload to this project.</summary>
    public Guid? ProjectId { get; set; }
    public string Description { get; set; } = "";
    public required byte[] SecretHash { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastUsed { get; set; }
    /// <summary>Upload (and read) or read only; stored as its number (Core.Accounts.TokenScope).</summary>
    public TokenScope Scope { get; set; }
    /// <summary>When set, the token stops working at this instant (UTC).</summary>
    public DateTime? Expires { get; set; }
    /// <summary>Set on a short-lived token minted for a trusted publisher; removing the publisher removes it.</summary>
    public Guid? PublisherId { get; set; }
}
