using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.SecurityKeys;

/// <summary>
/// The second step of signing in with a security key: a challenge for the pending sign-in, then the key's
/// signed answer. Refused: a credential that is not one of this account's keys, a challenge that is not this
/// sign-in's (or expired, or used), a signature that does not verify, a counter that went back. Each refusal
/// counts as a failed sign-in, as a wrong TOTP code does.
/// </summary>
public sealed class SecurityKeySignIn(CheeseshopDb db, SecurityKeyChallenges challenges, SignInService signIn, TimeProvider clock)
{
    public const string UnknownKey =
        "That security key is not registered to this account. Use one of the keys you added on your account's two-factor page, or another way in.";
    public const string CounterWentBack =
        "That security key's signature counter went backwards, which is what a copied key does. It was refused; " +
        "use another key or way in, and if you did not copy the key, remove it from your account.";
    public const string Expired = "This sign-in's security key request has expired or was already used. Try the key again.";

    /// <summary>A challenge for the pending sign-in, naming the account's keys; null when it has none.</summary>
    public async Task<KeyCeremony?> BeginAsync(Guid userId, string pendingId, RelyingParty rp, CancellationToken ct)
    {
        var keys = await db.SecurityKeys.AsNoTracking().Where(k => k.UserId == userId).Select(k => k.CredentialId).ToListAsync(ct);
        if (keys.Count == 0) return null;
        var options = rp.Fido2().GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = keys.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            UserVerification = UserVerificationRequirement.Discouraged,
        });
        var json = options.ToJson();
        return new KeyCeremony(json, challenges.Protect(SecurityKeyChallenges.Purpose.SignIn, userId, pendingId, json));
    }

    /// <summary>Checks the key's answer; returns the account and the name of the key that signed.</summary>
    public async Task<(User User, string KeyName)> CheckAsync(
        Guid userId, string stamp, string pendingId, RelyingParty rp, string? token, string? responseJson, CancellationToken ct)
    {
        var user = await signIn.PendingSecondFactorUserAsync(userId, stamp, ct);
        signIn.ThrottleSecondFactor(user);
        var issued = challenges.Read(SecurityKeyChallenges.Purpose.SignIn, userId, pendingId, token);
        if (issued is null) throw await RefusalAsync(user, "expired_webauthn_challenge", Expired, ct);
        var answer = SecurityKeyService.Parse<AuthenticatorAssertionRawResponse>(responseJson);
        var key = await db.SecurityKeys.FirstOrDefaultAsync(k => k.UserId == userId && k.CredentialId == answer.RawId, ct);
        if (key is null) throw await RefusalAsync(user, "unknown_webauthn_key", UnknownKey, ct);
        if (SecurityKeyRules.ChallengeSpent(key.LastUsed, issued.At)) throw await RefusalAsync(user, "replayed_webauthn_challenge", Expired, ct);
        VerifyAssertionResult result;
        try
        {
            result = await rp.Fido2().MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = answer,
                OriginalOptions = AssertionOptions.FromJson(issued.Options),
                StoredPublicKey = key.PublicKey,
                StoredSignatureCounter = (uint)key.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) =>
                    Task.FromResult(p.UserHandle is null || p.UserHandle.AsSpan().SequenceEqual(user.Id.ToByteArray())),
            }, ct);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            throw await RefusalAsync(user, "webauthn_counter_regressed", CounterWentBack, ct);
        }
        catch (Fido2VerificationException e)
        {
            throw await RefusalAsync(user, "invalid_webauthn_assertion",
                "The security key's answer was refused (" + e.Message + "). Try the key again, or use another way in.", ct);
        }
        await AcceptAsync(user, key, result.SignCount, issued.At, ct);
        return (user, key.Name);
    }

    /// <summary>Stamps the key's use and counter in one conditional update, so two requests with the same answer
    /// cannot both pass: the second finds the last use already later than its challenge.</summary>
    private async Task AcceptAsync(User user, SecurityKey key, uint presented, DateTime challengeIssued, CancellationToken ct)
    {
        switch (SecurityKeyRules.Judge(key.SignCount, presented, key.LastUsed, challengeIssued))
        {
            case AssertionVerdict.ChallengeUsed: throw await RefusalAsync(user, "replayed_webauthn_challenge", Expired, ct);
            case AssertionVerdict.CounterRegressed: throw await RefusalAsync(user, "webauthn_counter_regressed", CounterWentBack, ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.SecurityKeys
            .Where(k => k.Id == key.Id && (k.LastUsed == null || k.LastUsed < challengeIssued) && k.SignCount == key.SignCount)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsed, now).SetProperty(k => k.SignCount, (long)presented), ct);
        if (updated != 1) throw await RefusalAsync(user, "replayed_webauthn_challenge", Expired, ct);
    }

    /// <summary>Records the failed attempt; returns the refusal to throw.</summary>
    private async Task<AccountException> RefusalAsync(User user, string reason, string message, CancellationToken ct)
    {
        await signIn.FailSecondFactorAsync(user, reason, ct);
        return AccountException.BadRequest(message);
    }
}
