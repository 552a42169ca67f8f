using Cheeseshop.Data.Entities;
using Cheeseshop.Mail;

namespace Cheeseshop.Accounts;

/// <summary>
/// The text of every email the account system sends. Plain text only: it renders everywhere, and
/// a link in plain text cannot hide where it points. Each message says why it was sent and what to
/// do if the reader did not ask for it.
/// </summary>
public sealed class AccountMail(Mailer mailer, AccountLinks links, AccountTokens tokens)
{
    /// <summary>The last lines of every message the index sends.</summary>
    public const string Footer = "\n\n-- \nThis message was sent by a Cheeseshop package index. Replies are not read.\n";

    /// <summary>
    /// A notice of a change to the account (password, second factors), to its verified primary address when it has
    /// one. A failure to send does not undo the change, which the person who made it has already seen: the Mailer
    /// logs why the notice did not go out.
    /// </summary>
    public async Task NoticeAsync(User user, Func<string, Task> send)
    {
        if (user.PrimaryEmail() is not { IsVerified: true } primary) return;
        try
        {
            await send(primary.Email);
        }
        catch (MailDeliveryException)
        {
        }
    }

    public Task SendVerificationAsync(User user, UserEmail email, CancellationToken ct)
    {
        var token = tokens.ForEmailVerification(new EmailVerificationClaim(user.Id, email.Id, email.Email));
        var link = links.Absolute("/account/verify-email?token=" + Uri.EscapeDataString(token));
        return mailer.SendAsync(new OutgoingEmail(user.Id, email.Email, "Verify your email address",
            $"Hello {user.Username},\n\n" +
            $"Someone (hopefully you) added {email.Email} to the account '{user.Username}'.\n" +
            $"To confirm that this address is yours, open this link within {AccountTokens.EmailVerificationLifetime.TotalHours:0} hours:\n\n" +
            $"{link}\n\n" +
            "If you did not do this, ignore this message; the address stays unverified." + Footer,
            "verify-email"), ct);
    }

    public Task SendPasswordResetAsync(User user, string address, CancellationToken ct)
    {
        var token = tokens.ForPasswordReset(new PasswordResetClaim(user.Id, user.SecurityStamp));
        var link = links.Absolute("/account/reset-password/confirm?token=" + Uri.EscapeDataString(token));
        return mailer.SendAsync(new OutgoingEmail(user.Id, address, "Reset your password",
            $"Hello {user.Username},\n\n" +
            "Someone (hopefully you) asked to reset the password of this account.\n" +
            $"To choose a new password, open this link within {AccountTokens.PasswordResetLifetime.TotalHours:0} hours. It works once:\n\n" +
            $"{link}\n\n" +
            "If you did not ask for this, ignore this message; your password stays as it is." + Footer,
            "password-reset"), ct);
    }

    public Task SendPasswordChangedAsync(User user, string address, CancellationToken ct) =>
        mailer.SendAsync(new OutgoingEmail(user.Id, address, "Your password was changed",
            $"Hello {user.Username},\n\n" +
            "The password of your account was just changed, and every other signed-in session was signed out.\n" +
            "If you did not do this, reset your password at once:\n\n" +
            links.Absolute("/account/reset-password") + Footer,
            "password-changed"), ct);

    public Task SendTwoFactorChangedAsync(User user, string address, bool added, CancellationToken ct) =>
        mailer.SendAsync(new OutgoingEmail(user.Id, address,
            added ? "Two-factor authentication was turned on" : "Two-factor authentication was turned off",
            $"Hello {user.Username},\n\n" +
            (added
                ? "An authenticator app was added to your account: signing in now needs a code from it.\n"
                : "The authenticator app was removed from your account: signing in now needs only your password.\n") +
            "If you did not do this, reset your password and review your account:\n\n" +
            links.Absolute("/manage/account") + Footer,
            added ? "two-factor-added" : "two-factor-removed"), ct);

    public Task SendSecurityKeyChangedAsync(User user, string address, string keyName, bool added, CancellationToken ct) =>
        mailer.SendAsync(new OutgoingEmail(user.Id, address,
            added ? "A security key was added to your account" : "A security key was removed from your account",
            $"Hello {user.Username},\n\n" +
            (added
                ? $"The security key \"{keyName}\" was added to your account: it can now be the second step of signing in.\n"
                : $"The security key \"{keyName}\" was removed from your account: it can no longer be used to sign in.\n") +
            "If you did not do this, reset your password and review your account:\n\n" +
            links.Absolute("/manage/account/two-factor") + Footer,
            added ? "security-key-added" : "security-key-removed"), ct);

    public Task SendRoleInvitationAsync(User invitee, string address, string projectName, string roleName, string invitedBy, CancellationToken ct) =>
        mailer.SendAsync(new OutgoingEmail(invitee.Id, address, $"Invitation to join {projectName}",
            $"Hello {invitee.Username},\n\n" +
            $"{invitedBy} invited you to be {(roleName == RoleNames.Owner ? "an" : "a")} {roleName} of the project '{projectName}'.\n" +
            "Accept or decline the invitation on your projects page:\n\n" +
            links.Absolute("/manage/projects") + Footer,
            "role-invitation"), ct);

    public Task SendAccountDeletedAsync(User user, string address, CancellationToken ct) =>
        mailer.SendAsync(new OutgoingEmail(user.Id, address, "Your account was deleted",
            $"Hello {user.Username},\n\n" +
            "Your account and its personal data (email addresses, API tokens, two-factor settings, event history) " +
            "have been deleted. Releases you uploaded stay public; their history now names 'deleted-user'.\n" +
            "This is the last message we send to this address." + Footer,
            "account-deleted"), ct);
}
