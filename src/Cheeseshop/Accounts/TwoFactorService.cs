using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>A secret being set up: what the page shows, and the protected token the form carries back.</summary>
public sealed record TotpEnrolment(string SecretBase32, string OtpAuthUri, string Token);

/// <summary>Turning TOTP two-factor authentication on and off, and its recovery codes.</summary>
public sealed class TwoFactorService(
    CheeseshopDb db, TotpSecrets totp, SignInService signIn, EventRecorder events, AccountMail mail, TimeProvider clock)
{
    public async Task<TotpEnrolment> BeginAsync(Guid userId, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (user.TotpSecretProtected is not null)
            throw AccountException.Conflict("Two-factor authentication is already on. Turn it off first to move to another app.");
        var secret = TotpSecrets.NewSecret();
        return new TotpEnrolment(TotpSecrets.Base32(secret), TotpSecrets.OtpAuthUri(user.Username, secret),
            totp.EnrolmentToken(user.Id, secret));
    }

    /// <summary>The same setup again after a wrong code (so the key already typed into the app stays
    /// good); null when the setup form has expired.</summary>
    public async Task<TotpEnrolment?> ResumeEnrolmentAsync(Guid userId, string? enrolmentToken, CancellationToken ct)
    {
        var secret = totp.ReadEnrolment(userId, enrolmentToken);
        if (secret is null) return null;
        var username = await db.Users.Where(u => u.Id == userId).Select(u => u.Username).FirstAsync(ct);
        return new TotpEnrolment(TotpSecrets.Base32(secret), TotpSecrets.OtpAuthUri(username, secret), enrolmentToken!);
    }

    /// <summary>Finishes setup once the app shows a correct code; returns the recovery codes, shown once.</summary>
    public async Task<IReadOnlyList<string>> ConfirmAsync(Guid userId, string? enrolmentToken, string? code, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (user.TotpSecretProtected is not null)
            throw AccountException.Conflict("Two-factor authentication is already on.");
        var secret = totp.ReadEnrolment(user.Id, enrolmentToken)
            ?? throw AccountException.BadRequest(
                $"This setup form has expired (it lasts {TotpSecrets.EnrolmentLifetime.TotalMinutes:0} minutes). Start again: you will get a new key for your app.");
        var step = totp.Verify(secret, code, null)
            ?? throw AccountException.BadRequest(
                "That code does not match. Check that your app holds the key shown on this page and that your phone's clock is right, then enter the current 6-digit code.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.TotpSecretProtected = totp.ProtectForStorage(secret);
        user.TotpLastStep = step;
        await events.UserEventAsync(user.Id, EventTags.Account.TwoFactorAdded, new { method = "totp" }, ct);
        var codes = await ReplaceRecoveryCodesAsync(user, EventTags.Account.RecoveryCodesGenerated, ct);
        await mail.NoticeAsync(user, to => mail.SendTwoFactorChangedAsync(user, to, added: true, ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return codes;
    }

    public async Task DisableAsync(Guid userId, string? password, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (user.TotpSecretProtected is null) throw AccountException.Conflict("Two-factor authentication is not on.");
        await signIn.ConfirmPasswordAsync(user, password, ct);
        // After the password check, whose failure event must be saved on its own.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.TotpSecretProtected = null;
        user.TotpLastStep = null;
        await DropRecoveryCodesIfLastFactorAsync(user, ct);
        await events.UserEventAsync(user.Id, EventTags.Account.TwoFactorRemoved, new { method = "totp" }, ct);
        await mail.NoticeAsync(user, to => mail.SendTwoFactorChangedAsync(user, to, added: false, ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>New codes for old: every earlier code stops working.</summary>
    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(Guid userId, string? password, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (!await signIn.HasSecondFactorAsync(user, ct))
            throw AccountException.Conflict("Recovery codes go with two-factor authentication, which is not on.");
        await signIn.ConfirmPasswordAsync(user, password, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var codes = await ReplaceRecoveryCodesAsync(user, EventTags.Account.RecoveryCodesRegenerated, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return codes;
    }

    public Task<int> UnusedRecoveryCodesAsync(Guid userId, CancellationToken ct) =>
        db.RecoveryCodes.CountAsync(r => r.UserId == userId && r.UsedAt == null, ct);

    /// <summary>Recovery codes stand in for any second factor: they go with the last one. Called once the
    /// removed factor is gone from <paramref name="user"/> (TOTP) or saved as gone (a security key).</summary>
    internal async Task DropRecoveryCodesIfLastFactorAsync(User user, CancellationToken ct)
    {
        if (!await signIn.HasSecondFactorAsync(user, ct))
            await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Replaces the account's recovery codes (staged, for the caller's transaction); returns the new ones.</summary>
    internal async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(User user, string tag, CancellationToken ct)
    {
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        var codes = RecoveryCodeRules.Generate();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var code in codes)
            db.RecoveryCodes.Add(new RecoveryCode { UserId = user.Id, CodeHash = RecoveryCodeRules.Hash(code), Created = now });
        await events.UserEventAsync(user.Id, tag, null, ct);
        return codes;
    }
}
