using System.Text.Json;
using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.SecurityKeys;

/// <summary>A registered key as its owner sees it.</summary>
public sealed record SecurityKeyView(long Id, string Name, DateTime Created, DateTime? LastUsed);

/// <summary>WebAuthn options for the browser (JSON, as navigator.credentials takes them once decoded) and the
/// protected token the form carries back with the answer.</summary>
public sealed record KeyCeremony(string OptionsJson, string Token);

/// <summary>
/// Security keys as a second factor: registering them (named), listing and removing them. The library (Fido2)
/// checks each answer's origin, relying party, challenge, flags and signature; the rules here are what it leaves
/// to the index (names, how many, one account per credential).
/// </summary>
public sealed class SecurityKeyService(
    CheeseshopDb db, SecurityKeyChallenges challenges, SignInService signIn, TwoFactorService twoFactor,
    EventRecorder events, AccountMail mail, TimeProvider clock)
{
    public const string Method = "webauthn";

    public Task<List<SecurityKeyView>> ListAsync(Guid userId, CancellationToken ct) =>
        db.SecurityKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.Created).ThenBy(k => k.Id)
            .Select(k => new SecurityKeyView(k.Id, k.Name, k.Created, k.LastUsed)).ToListAsync(ct);

    public async Task<KeyCeremony> BeginRegistrationAsync(Guid userId, RelyingParty rp, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var existing = await db.SecurityKeys.Where(k => k.UserId == userId).Select(k => k.CredentialId).ToListAsync(ct);
        var options = rp.Fido2().RequestNewCredential(new RequestNewCredentialParams
        {
            // The user handle is the account's id, never its name or address.
            User = new Fido2User { Id = user.Id.ToByteArray(), Name = user.Username, DisplayName = user.DisplayName ?? user.Username },
            ExcludeCredentials = existing.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Discouraged,
                UserVerification = UserVerificationRequirement.Discouraged,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = options.ToJson();
        return new KeyCeremony(json, challenges.Protect(SecurityKeyChallenges.Purpose.Registration, userId, user.SecurityStamp, json));
    }

    /// <summary>Stores the key the browser made. Returns the recovery codes when this is the account's first
    /// second factor (shown once), else null.</summary>
    public async Task<IReadOnlyList<string>?> FinishRegistrationAsync(
        Guid userId, RelyingParty rp, string? token, string? name, string? responseJson, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var issued = challenges.Read(SecurityKeyChallenges.Purpose.Registration, userId, user.SecurityStamp, token)
            ?? throw AccountException.BadRequest(
                $"This form has expired (it lasts {SecurityKeyChallenges.Lifetime.TotalMinutes:0} minutes). Add the key again.");
        var names = await db.SecurityKeys.Where(k => k.UserId == userId).Select(k => k.Name).ToListAsync(ct);
        if (names.Count >= SecurityKeyRules.MaxKeysPerAccount)
            throw AccountException.Conflict($"An account can have at most {SecurityKeyRules.MaxKeysPerAccount} security keys. Remove one first.");
        var (keptName, nameError) = SecurityKeyRules.CheckName(name, names);
        if (nameError is not null) throw AccountException.BadRequest(nameError);
        var answer = Parse<AuthenticatorAttestationRawResponse>(responseJson);
        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await rp.Fido2().MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = answer,
                OriginalOptions = CredentialCreateOptions.FromJson(issued.Options),
                IsCredentialIdUniqueToUserCallback = async (p, c) => !await db.SecurityKeys.AnyAsync(k => k.CredentialId == p.CredentialId, c),
            }, ct);
        }
        catch (Fido2VerificationException e)
        {
            throw AccountException.BadRequest("The security key's answer was refused: " + e.Message + " Nothing was added; try again.");
        }

        var firstFactor = !await signIn.HasSecondFactorAsync(user, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecurityKeys.Add(new SecurityKey
        {
            UserId = user.Id, CredentialId = credential.Id, PublicKey = credential.PublicKey, SignCount = credential.SignCount,
            Name = keptName!, Created = clock.GetUtcNow().UtcDateTime,
        });
        await events.UserEventAsync(user.Id, EventTags.Account.TwoFactorAdded, new { method = Method, label = keptName }, ct);
        var codes = firstFactor ? await twoFactor.ReplaceRecoveryCodesAsync(user, EventTags.Account.RecoveryCodesGenerated, ct) : null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique credential id: the same key sent twice at once, the second after the check above.
            throw AccountException.Conflict("That security key is already registered.");
        }
        await tx.CommitAsync(ct);
        await mail.NoticeAsync(user, to => mail.SendSecurityKeyChangedAsync(user, to, keptName!, added: true, ct));
        return codes;
    }

    /// <summary>Removes a key after the password is confirmed. The last second factor takes the recovery codes with it.</summary>
    public async Task<string> RemoveAsync(Guid userId, long keyId, string? password, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var key = await db.SecurityKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, ct)
            ?? throw AccountException.NotFound("That security key is not on your account (it may have been removed already).");
        await signIn.ConfirmPasswordAsync(user, password, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecurityKeys.Remove(key);
        await events.UserEventAsync(user.Id, EventTags.Account.TwoFactorRemoved, new { method = Method, label = key.Name }, ct);
        await db.SaveChangesAsync(ct);
        await twoFactor.DropRecoveryCodesIfLastFactorAsync(user, ct);
        await tx.CommitAsync(ct);
        await mail.NoticeAsync(user, to => mail.SendSecurityKeyChangedAsync(user, to, key.Name, added: false, ct));
        return key.Name;
    }

    /// <summary>The browser's answer, or a refusal a person understands (a browser without script sends none).</summary>
    internal static T Parse<T>(string? json) where T : class
    {
        const string missing = "Your browser sent no answer from a security key. Security keys need JavaScript; " +
                               "allow it for this site, or use another way in.";
        if (string.IsNullOrWhiteSpace(json)) throw AccountException.BadRequest(missing);
        if (json.Length > 64 * 1024) throw AccountException.BadRequest("The security key's answer is too large.");
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw AccountException.BadRequest(missing);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw AccountException.BadRequest("The security key's answer could not be read. Try again.");
        }
    }
}
