using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Creating an account, from the sign-up page (the address is unverified until its link is opened) or by
/// an operator (<c>cheeseshop users create</c>: the address counts as verified, an admin vouched for it).
/// Both apply the same rules to the username, the address and the password, and record the same events.
/// </summary>
public sealed class RegistrationService(CheeseshopDb db, PasswordPolicy policy, EventRecorder events, AccountMail mail, TimeProvider clock)
{
    public async Task<User> RegisterAsync(string? username, string? displayName, string? email, string? password, CancellationToken ct)
    {
        var (user, address) = await CreateAsync(username, displayName, email, password, verified: false, admin: false, ct);
        try
        {
            await mail.SendVerificationAsync(user, address, ct);
            await db.SaveChangesAsync(ct);
        }
        catch (Mail.MailDeliveryException)
        {
            // The account exists either way; the account page offers to send the link again.
            db.ChangeTracker.Clear();
        }
        return user;
    }

    /// <summary>An account made by an operator: its address counts as verified, so no link is sent.</summary>
    public async Task<User> CreateVerifiedAsync(string? username, string? email, string? password, bool admin, CancellationToken ct) =>
        (await CreateAsync(username, null, email, password, verified: true, admin, ct)).User;

    private async Task<(User User, UserEmail Address)> CreateAsync(string? username, string? displayName, string? email, string? password,
        bool verified, bool admin, CancellationToken ct)
    {
        username = username?.Trim() ?? "";
        if (username.Length == 0) throw AccountException.BadRequest("Choose a username.");
        if (Usernames.Problem(username) is { } nameProblem) throw AccountException.BadRequest(nameProblem);
        if (string.Equals(username, Usernames.Tombstone, StringComparison.OrdinalIgnoreCase))
            throw AccountException.BadRequest($"The username '{username}' is reserved. Choose another.");
        if (DisplayNames.Problem(displayName) is { } displayProblem) throw AccountException.BadRequest(displayProblem);
        if (AccountStore.EmailProblem(email) is { } emailProblem) throw AccountException.BadRequest(emailProblem);
        if (policy.Problem(password, username) is { } passwordProblem) throw AccountException.BadRequest(passwordProblem);
        email = email!.Trim();

        var normalized = Usernames.Normalize(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, ct))
            throw AccountException.Conflict($"The username '{username}' is already taken. Choose another.");
        if (await db.EmailInUseAsync(email, ct))
            throw AccountException.Conflict("This email address is already used by another account. Use a different one, or reset that account's password.");

        var user = new User
        {
            Id = Guid.NewGuid(), Username = username, NormalizedUsername = normalized,
            DisplayName = DisplayNames.Clean(displayName), PasswordHash = new PasswordHasher().Hash(password!),
            DateJoined = clock.GetUtcNow().UtcDateTime, IsAdmin = admin,
        };
        var address = new UserEmail { Email = email, IsPrimary = true, IsVerified = verified };
        user.Emails.Add(address);
        db.Users.Add(user);
        await events.UserEventAsync(user.Id, EventTags.Account.Created, new { email }, ct);
        await events.UserEventAsync(user.Id, EventTags.Account.EmailAdded, new { email }, ct);
        if (verified)
            await events.UserEventAsync(user.Id, EventTags.Account.EmailVerified, new { email, primary = true }, ct);
        try
        {
            // Saved before any mail goes out: a verification link names the address's row id.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone took the name between the check and the insert.
            throw AccountException.Conflict($"The username '{username}' is already taken. Choose another.");
        }
        return (user, address);
    }
}
