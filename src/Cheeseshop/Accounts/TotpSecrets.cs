using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using OtpNet;

namespace Cheeseshop.Accounts;

/// <summary>
/// TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, what every authenticator app speaks). The secret is
/// encrypted at rest with Data Protection, whose keys live in the database beside it but are
/// themselves useless without the key ring; a stolen users table alone does not yield codes.
/// While a person sets up their app, the new secret travels in the form, protected and time-limited,
/// so a half-finished setup leaves nothing in the database.
/// </summary>
public sealed class TotpSecrets(IDataProtectionProvider provider, TimeProvider clock)
{
    public const string Issuer = "Cheeseshop";
    public static readonly TimeSpan EnrolmentLifetime = TimeSpan.FromMinutes(15);

    private readonly IDataProtector _atRest = provider.CreateProtector("Cheeseshop.Accounts.TotpSecret.v1");
    private readonly ITimeLimitedDataProtector _enrolment =
        provider.CreateProtector("Cheeseshop.Accounts.TotpEnrolment.v1").ToTimeLimitedDataProtector();

    /// <summary>160 bits, RFC 4226's recommended length.</summary>
    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The otpauth:// URI authenticator apps import (as a QR code, or pasted).</summary>
    public static string OtpAuthUri(string username, byte[] secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(username)}?secret={Base32(secret)}&issuer={Uri.EscapeDataString(Issuer)}";

    public string ProtectForStorage(byte[] secret) => _atRest.Protect(Convert.ToBase64String(secret));

    public byte[] UnprotectStored(string stored) => Convert.FromBase64String(_atRest.Unprotect(stored));

    private sealed record Enrolment(Guid UserId, string Secret);

    public string EnrolmentToken(Guid userId, byte[] secret) =>
        _enrolment.Protect(JsonSerializer.Serialize(new Enrolment(userId, Convert.ToBase64String(secret))),
            clock.GetUtcNow() + EnrolmentLifetime);

    /// <summary>The secret being set up, if the token is genuine, fresh and this user's.</summary>
    public byte[]? ReadEnrolment(Guid userId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        try
        {
            var e = JsonSerializer.Deserialize<Enrolment>(_enrolment.Unprotect(token));
            return e is not null && e.UserId == userId ? Convert.FromBase64String(e.Secret) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks a code against the current step and one step either side (clock drift between phone and
    /// server). Returns the step that matched, or null. A step at or before <paramref name="lastUsedStep"/>
    /// is refused: a code seen once (over a shoulder, in a proxy log) cannot be replayed.
    /// </summary>
    public long? Verify(byte[] secret, string? code, long? lastUsedStep)
    {
        var digits = new string((code ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit)) return null;
        var totp = new Totp(secret);
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, new VerificationWindow(previous: 1, future: 1)))
            return null;
        return lastUsedStep is { } last && step <= last ? null : step;
    }
}
