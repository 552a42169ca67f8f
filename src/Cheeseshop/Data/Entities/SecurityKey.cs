namespace Cheeseshop.Data.Entities;

/// <summary>
/// A WebAuthn credential (a security key or passkey) registered as a second factor. The public key is
/// not a secret: it only checks the authenticator's signatures. The signature counter refuses a cloned
/// authenticator whose counter falls behind; the last use makes each sign-in challenge good once.
/// </summary>
public sealed class SecurityKey
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The authenticator's credential id, unique across the index.</summary>
    public required byte[] CredentialId { get; set; }
    /// <summary>The COSE-encoded public key.</summary>
    public required byte[] PublicKey { get; set; }
    public long SignCount { get; set; }
    /// <summary>What the owner called the key.</summary>
    public required string Name { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastUsed { get; set; }
}
