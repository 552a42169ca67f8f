using System.ComponentModel.DataAnnotations;
using Cheeseshop.Core.TrustedPublishing;

namespace Cheeseshop.Sso;

/// <summary>
/// Single sign-on through the organisation's OpenID Connect provider (the Auth:Oidc section). Off until
/// <see cref="Authority"/> is set; then the login page offers "Sign in with <see cref="DisplayName"/>".
/// </summary>
public sealed class SsoOptions : IValidatableObject
{
    public const string Section = "Auth:Oidc";

    /// <summary>The provider's issuer URL; its /.well-known/openid-configuration is read from there.</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The provider's name as people know it, on the login button.</summary>
    [MaxLength(100)] public string DisplayName { get; set; } = "single sign-on";
    /// <summary>Create an account at a first sign-in that matches none even when registration is closed:
    /// the provider already decides who belongs.</summary>
    public bool CreateAccounts { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        // The same rule as trusted issuers: https, or http on a loopback address for tests.
        if (TokenChecks.IssuerProblem(Authority) is { } problem)
            yield return new ValidationResult($"Auth:Oidc:Authority: {problem}.", [nameof(Authority)]);
        if (string.IsNullOrWhiteSpace(ClientId))
            yield return new ValidationResult("Auth:Oidc:ClientId is required when Auth:Oidc:Authority is set.", [nameof(ClientId)]);
        if (string.IsNullOrWhiteSpace(ClientSecret))
            yield return new ValidationResult("Auth:Oidc:ClientSecret is required when Auth:Oidc:Authority is set.", [nameof(ClientSecret)]);
        if (string.IsNullOrWhiteSpace(DisplayName))
            yield return new ValidationResult("Auth:Oidc:DisplayName must not be empty.", [nameof(DisplayName)]);
    }
}
