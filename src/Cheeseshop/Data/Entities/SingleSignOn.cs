namespace Cheeseshop.Data.Entities;

/// <summary>
/// An account's link to an identity at the single sign-on provider: the provider's issuer and its stable
/// subject ('sub'). Made at the first sign-in through the provider; every later one finds the account by
/// this pair, never again by email, so a changed address at the provider cannot move the sign-in to
/// another account.
/// </summary>
public sealed class SsoLink
{
    public long Id { get; set; }
    /// <summary>The provider's 'iss', as in its ID tokens.</summary>
    public required string Issuer { get; set; }
    /// <summary>The provider's 'sub' for this person.</summary>
    public required string Subject { get; set; }
    public Guid UserId { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastUsed { get; set; }
}
