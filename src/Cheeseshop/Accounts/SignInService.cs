using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// The checks behind signing in, and behind every form that asks for the password again. Cookies are
/// the web layer's business; this decides who may pass and records what happened.
/// An unknown username and a wrong password get the same message, the same status and (because the
/// password is hashed against a dummy hash when there is no user) about the same time.
/// </summary>
public sealed class SignInService(
    CheeseshopDb db, EventRecorder events, LoginThrottle throttle, ClientInfo client, IpAddressHasher hasher,
    TotpSecrets totp, Auth.AuthOptions auth, TimeProvider clock)
{
    public const string InvalidCredentials = "The username or password is not correct.";
    public const string TwoFactorMethodTotp = "totp";
    public const string TwoFactorMethodRecoveryCode = "recovery-code";
    public const string TwoFactorMethodSecurityKey = "webauthn";
    /// <summary>How the first step was passed, in account:login:success.</summary>
    public const string MethodPassword = "password", MethodSso = "sso";
    public const string PasswordSignInOff = "Password sign-in is turned off on this index (except for administrators). Use single sign-on instead.";

    private static readonly string DummyHash = new PasswordHasher().Hash(Guid.NewGuid().ToString());

    private string? ClientKey => client.Address is { } a ? hasher.Hash(a) : null;

    private static string AccountKey(string username) => Usernames.Normalize(username.Trim());

    /// <summary>Step one: the password. Returns the user, who may still need a second factor.</summary>
    public async Task<User> CheckPasswordAsync(string? username, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            throw AccountException.BadRequest("Enter your username and your password.");
        if (username.Length > 100 || password.Length > PasswordPolicy.MaxLength)
            throw new AccountException(401, InvalidCredentials);
        var key = AccountKey(username);
        var decision = Throttle(key, secondFactorStep: false);

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == key, ct);
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash);
        if (!ok || user is null || !user.IsActive)
        {
            throttle.RecordFailure(key, ClientKey);
            if (user is not null && user.IsActive)
            {
                await events.UserEventAsync(user.Id, EventTags.Account.LoginFailure, new { reason = "invalid_password" }, ct);
                await db.SaveChangesAsync(ct);
            }
            // Under the account-wide limit a wrong password gets the same answer as a right one without a
            // second factor: the answer says nothing about the password.
            if (decision.Verdict == ThrottleVerdict.SecondFactorOnly) throw AccountException.TooManyAttempts(decision.RetryAfter);
            throw new AccountException(401, InvalidCredentials);
        }
        if (decision.Verdict == ThrottleVerdict.SecondFactorOnly && !await HasSecondFactorAsync(user, ct))
            throw AccountException.TooManyAttempts(decision.RetryAfter);
        if (user.IsFrozen)
            throw AccountException.Forbidden("This account is disabled by the index's administrators. Contact them to have it enabled.");
        if (!auth.Password && !user.IsAdmin)
        {
            await events.UserEventAsync(user.Id, EventTags.Account.LoginFailure, new { reason = "password_sign_in_off" }, ct);
            await db.SaveChangesAsync(ct);
            throw AccountException.Forbidden(PasswordSignInOff);
        }
        return user;
    }

    /// <summary>Whether signing in needs a second step: an authenticator app, or at least one security key.</summary>
    public Task<bool> HasSecondFactorAsync(User user, CancellationToken ct) => HasSecondFactorAsync(db, user, ct);

    public static async Task<bool> HasSecondFactorAsync(CheeseshopDb db, User user, CancellationToken ct) =>
        user.TotpSecretProtected is not null || await db.SecurityKeys.AnyAsync(k => k.UserId == user.Id, ct);

    /// <summary>Step two with an authenticator code. The user comes from the short-lived cookie of step one,
    /// whose security stamp must still match (a password reset in between voids it).</summary>
    public async Task<User> CheckTotpAsync(Guid userId, string stamp, string? code, CancellationToken ct)
    {
        var user = await PendingSecondFactorUserAsync(userId, stamp, ct);
        Throttle(user.NormalizedUsername, secondFactorStep: true);
        if (user.TotpSecretProtected is null)
            throw AccountException.BadRequest("This account has no authenticator app. Use your security key or a recovery code.");
        var secret = totp.UnprotectStored(user.TotpSecretProtected!);
        var step = totp.Verify(secret, code, user.TotpLastStep);
        if (step is null)
        {
            await FailSecondFactorAsync(user, "invalid_totp", ct);
            throw AccountException.BadRequest("That code is not correct, or it was already used. Enter the current 6-digit code from your authenticator app.");
        }
        user.TotpLastStep = step;
        return user;
    }

    /// <summary>Step two with a recovery code: each works once.</summary>
    public async Task<User> CheckRecoveryCodeAsync(Guid userId, string stamp, string? code, CancellationToken ct)
    {
        var user = await PendingSecondFactorUserAsync(userId, stamp, ct);
        Throttle(user.NormalizedUsername, secondFactorStep: true);
        var normalized = RecoveryCodeRules.Normalize(code);
        var hash = normalized is null ? null : RecoveryCodeRules.Hash(normalized);
        var match = hash is null ? null
            : (await db.RecoveryCodes.Where(r => r.UserId == user.Id).ToListAsync(ct))
                .FirstOrDefault(r => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(r.CodeHash, hash));
        if (match is null)
        {
            await FailSecondFactorAsync(user, "invalid_recovery_code", ct);
            throw AccountException.BadRequest("That recovery code is not correct. Each code is 16 letters and digits, as shown when you turned on two-factor authentication.");
        }
        if (match.UsedAt is not null)
        {
            await FailSecondFactorAsync(user, "burned_recovery_code", ct);
            throw AccountException.BadRequest("That recovery code has already been used. Each code works only once; use another one.");
        }
        match.UsedAt = clock.GetUtcNow().UtcDateTime;
        await events.UserEventAsync(user.Id, EventTags.Account.RecoveryCodeUsed, null, ct);
        return user;
    }

    /// <summary>The sign-in succeeded: stamp last_login, record it, forgive the account's failures.</summary>
    public async Task CompleteAsync(User user, string? twoFactorMethod, string? twoFactorLabel, CancellationToken ct, string method = MethodPassword)
    {
        user.LastLogin = clock.GetUtcNow().UtcDateTime;
        await events.UserEventAsync(user.Id, EventTags.Account.LoginSuccess,
            new { method, two_factor_method = twoFactorMethod, two_factor_label = twoFactorLabel }, ct);
        await db.SaveChangesAsync(ct);
        throttle.RecordSuccess(user.NormalizedUsername, ClientKey);
    }

    /// <summary>Whoever reset the password holds the mailbox: failures against the old password are forgiven.</summary>
    public void ForgiveAfterReset(User user) => throttle.ForgiveAccount(user.NormalizedUsername, ClientKey);

    /// <summary>
    /// The password again, before something that a stolen session should not be able to do (change the
    /// password, create a token, turn off two-factor, delete the account). A wrong one is recorded as
    /// account:reauthenticate:failure and counts toward the sign-in limit. The session already proves more
    /// than a password, so a client that has not been failing passes the account-wide limit here.
    /// </summary>
    public async Task ConfirmPasswordAsync(User user, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password))
            throw AccountException.BadRequest("Enter your current password to confirm.");
        Throttle(user.NormalizedUsername, secondFactorStep: true);
        if (password.Length <= PasswordPolicy.MaxLength && PasswordHasher.Verify(password, user.PasswordHash)) return;
        throttle.RecordFailure(user.NormalizedUsername, ClientKey);
        await events.UserEventAsync(user.Id, EventTags.Account.ReauthenticateFailure, new { reason = "invalid_password" }, ct);
        await db.SaveChangesAsync(ct);
        throw AccountException.Forbidden("Your current password is not correct; nothing was changed.");
    }

    /// <summary>The account of a pending sign-in, while its stamp matches and it still has a second factor.</summary>
    internal async Task<User> PendingSecondFactorUserAsync(Guid userId, string stamp, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || !user.IsActive || user.SecurityStamp != stamp || !await HasSecondFactorAsync(user, ct))
            throw AccountException.BadRequest("This sign-in has expired or is no longer valid. Sign in again.");
        return user;
    }

    /// <summary>The throttle as a second-factor step meets it.</summary>
    internal void ThrottleSecondFactor(User user) => Throttle(user.NormalizedUsername, secondFactorStep: true);

    internal async Task FailSecondFactorAsync(User user, string reason, CancellationToken ct)
    {
        throttle.RecordFailure(user.NormalizedUsername, ClientKey);
        await events.UserEventAsync(user.Id, EventTags.Account.LoginFailure, new { reason }, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Refuses with 429 what the throttle refuses. A second-factor step passes where only a client
    /// with a second factor may; the password step leaves that decision to its caller.</summary>
    private ThrottleDecision Throttle(string accountKey, bool secondFactorStep)
    {
        var decision = throttle.Check(accountKey, ClientKey);
        if (decision.Verdict == ThrottleVerdict.Refused) throw AccountException.TooManyAttempts(decision.RetryAfter);
        return secondFactorStep ? ThrottleDecision.Allow : decision;
    }
}
