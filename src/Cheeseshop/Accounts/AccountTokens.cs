using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Cheeseshop.Accounts;

/// <summary>The claim inside an email-verification link.</summary>
public sealed record EmailVerificationClaim(Guid UserId, long EmailId, string Email);

/// <summary>The claim inside a password-reset link. The security stamp changes with every password
/// change, so a link stops working once it has been used (or the password changed some other way).</summary>
public sealed record PasswordResetClaim(Guid UserId, string Stamp);

/// <summary>
/// Signed, expiring tokens for the links we email. ASP.NET Data Protection signs and encrypts them with
/// the key ring kept in the database, so any node can check a link another node sent; the time-limited
/// protector refuses them after their lifetime. Nothing about a pending link is stored.
/// </summary>
public sealed class AccountTokens(IDataProtectionProvider provider, TimeProvider clock)
{
    public static readonly TimeSpan EmailVerificationLifetime = TimeSpan.FromHours(24);
    /// <summary>warehouse's reset tokens also live six hours.</summary>
    public static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromHours(6);

    private readonly ITimeLimitedDataProtector _verify =
        provider.CreateProtector("Cheeseshop.Accounts.VerifyEmail.v1").ToTimeLimitedDataProtector();
    private readonly ITimeLimitedDataProtector _reset =
        provider.CreateProtector("Cheeseshop.Accounts.PasswordReset.v1").ToTimeLimitedDataProtector();

    public string ForEmailVerification(EmailVerificationClaim claim) =>
        _verify.Protect(JsonSerializer.Serialize(claim), clock.GetUtcNow() + EmailVerificationLifetime);

    public string ForPasswordReset(PasswordResetClaim claim) =>
        _reset.Protect(JsonSerializer.Serialize(claim), clock.GetUtcNow() + PasswordResetLifetime);

    public EmailVerificationClaim? ReadEmailVerification(string? token) => Read<EmailVerificationClaim>(_verify, token);

    public PasswordResetClaim? ReadPasswordReset(string? token) => Read<PasswordResetClaim>(_reset, token);

    /// <summary>Null for a token that is malformed, forged, for another purpose, or expired: the
    /// protector does not say which, and the person only needs to know to ask for a new link.</summary>
    private static T? Read<T>(ITimeLimitedDataProtector protector, string? token) where T : class
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4096) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(protector.Unprotect(token.Trim()));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
