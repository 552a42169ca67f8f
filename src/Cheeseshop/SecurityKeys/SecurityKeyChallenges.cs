using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Cheeseshop.SecurityKeys;

/// <summary>
/// The WebAuthn options (with their random challenge) a page hands to the browser, kept for the answer in a
/// form field encrypted and signed with Data Protection: the browser carries them but cannot read or change
/// them, and nothing is stored for a ceremony nobody finishes. Each is bound to what it was issued for (the
/// account's security stamp for a registration, the pending sign-in's own id for a sign-in) and lasts
/// <see cref="Lifetime"/>. A sign-in challenge is good once by <c>SecurityKeyRules.Judge</c>: the key's last
/// use, stamped when it signs in, is later than the challenge's issue.
/// </summary>
public sealed class SecurityKeyChallenges(IDataProtectionProvider provider, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public enum Purpose { Registration, SignIn }

    private readonly IDataProtector _registration = provider.CreateProtector("Cheeseshop.SecurityKeys.Registration.v1");
    private readonly IDataProtector _signIn = provider.CreateProtector("Cheeseshop.SecurityKeys.SignIn.v1");

    private sealed record Ceremony(Guid UserId, string Binding, string Options, DateTime Issued);

    /// <summary>The options as they were issued, and when.</summary>
    public sealed record Issued(string Options, DateTime At);

    private IDataProtector For(Purpose purpose) => purpose == Purpose.Registration ? _registration : _signIn;

    public string Protect(Purpose purpose, Guid userId, string binding, string optionsJson) =>
        For(purpose).Protect(JsonSerializer.Serialize(new Ceremony(userId, binding, optionsJson, clock.GetUtcNow().UtcDateTime)));

    /// <summary>The options, if the token is genuine, fresh, and issued to this user for this binding.</summary>
    public Issued? Read(Purpose purpose, Guid userId, string binding, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16384) return null;
        try
        {
            var c = JsonSerializer.Deserialize<Ceremony>(For(purpose).Unprotect(token));
            if (c is null || c.UserId != userId || !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(c.Binding), System.Text.Encoding.UTF8.GetBytes(binding)))
                return null;
            var age = clock.GetUtcNow().UtcDateTime - c.Issued;
            return age < TimeSpan.Zero || age > Lifetime ? null : new Issued(c.Options, c.Issued);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
