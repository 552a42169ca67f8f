using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Changing a password (knowing the old one) and resetting it by email (not knowing it). Both give
/// the account a new security stamp, which ends every session and voids every reset link sent before.
/// </summary>
public sealed class PasswordService(
    CheeseshopDb db, PasswordPolicy policy, SignInService signIn, EventRecorder events, AccountMail mail,
    AccountTokens tokens, LoginThrottle throttle, Auth.ReadCredentialCache readers, ILogger<PasswordService> log)
{
    /// <summary>What the reset form always answers, whether or not an account matched.</summary>
    public const string ResetRequestedMessage =
        "If an account exists for that username or email address, we sent a link to reset its password. It works for 6 hours.";

    public async Task<User> ChangeAsync(Guid userId, string? currentPassword, string? newPassword, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        await signIn.ConfirmPasswordAsync(user, currentPassword, ct);
        if (policy.Problem(newPassword, user.Username) is { } problem) throw AccountException.BadRequest(problem);
        SetPassword(user, newPassword!);
        await events.UserEventAsync(user.Id, EventTags.Account.PasswordChanged, null, ct);
        await mail.NoticeAsync(user, to => mail.SendPasswordChangedAsync(user, to, ct));
        await db.SaveChangesAsync(ct);
        readers.ForgetUser(user.Id);
        return user;
    }

    /// <summary>
    /// Sends a reset link when the input names an account (by username, or by any of its addresses),
    /// and says nothing either way. Mail to one account is capped (3 an hour) so the form cannot be used
    /// to flood someone's inbox; the cap is silent too.
    /// </summary>
    public async Task RequestResetAsync(string? usernameOrEmail, CancellationToken ct)
    {
        var input = usernameOrEmail?.Trim() ?? "";
        if (input.Length == 0) throw AccountException.BadRequest("Enter your username or email address.");
        if (input.Length > 300) return;

        User? user;
        string? address = null;
        if (input.Contains('@'))
        {
            var normalized = EmailAddresses.Normalize(input);
            var match = await db.LiveEmails().Include(e => e.User).FirstOrDefaultAsync(e => e.Email.ToLower() == normalized, ct);
            user = match?.User;
            address = match?.Email;
        }
        else
        {
            var normalized = Usernames.Normalize(input);
            user = await db.Users.Include(u => u.Emails).FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
            address = user?.PrimaryEmail()?.Email;
        }
        // An account made by single sign-on has no password yet and gets a link like any other: the forms that
        // ask for the password again need one. The tombstone and sealed accounts are not active.
        if (user is not { IsActive: true } || address is null) return;
        if (!throttle.TryTakeResetMail(user.Id)) return;

        await events.UserEventAsync(user.Id, EventTags.Account.PasswordResetRequested, null, ct);
        try
        {
            await mail.SendPasswordResetAsync(user, address, ct);
            await db.SaveChangesAsync(ct);
        }
        catch (Mail.MailDeliveryException)
        {
            // Saying so would tell the visitor the account exists; the operator's log has the error.
            log.LogWarning("A password-reset email could not be sent");
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The account a reset link is for; refused with a message that says why it no longer works.</summary>
    public async Task<User> ReadResetLinkAsync(string? token, CancellationToken ct)
    {
        var claim = tokens.ReadPasswordReset(token)
            ?? throw AccountException.BadRequest(
                $"This password reset link is not valid or has expired (links work for {AccountTokens.PasswordResetLifetime.TotalHours:0} hours). Ask for a new one.");
        var user = await db.Users.Include(u => u.Emails).FirstOrDefaultAsync(u => u.Id == claim.UserId && u.IsActive, ct)
            ?? throw AccountException.BadRequest("This password reset link is for an account that no longer exists.");
        if (user.SecurityStamp != claim.Stamp)
            throw AccountException.BadRequest(
                "This password reset link has already been used, or the password was changed after it was sent. Each link works once: ask for a new one.");
        return user;
    }

    public async Task<User> ResetAsync(string? token, string? newPassword, CancellationToken ct)
    {
        var user = await ReadResetLinkAsync(token, ct);
        if (policy.Problem(newPassword, user.Username) is { } problem) throw AccountException.BadRequest(problem);
        SetPassword(user, newPassword!);
        await events.UserEventAsync(user.Id, EventTags.Account.PasswordReset, null, ct);
        await mail.NoticeAsync(user, to => mail.SendPasswordChangedAsync(user, to, ct));
        await db.SaveChangesAsync(ct);
        readers.ForgetUser(user.Id);
        // Whoever reset the password holds the mailbox: let them sign in straight away.
        signIn.ForgiveAfterReset(user);
        return user;
    }

    private static void SetPassword(User user, string password)
    {
        user.PasswordHash = new PasswordHasher().Hash(password);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
    }
}
