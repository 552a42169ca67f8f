using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Cheeseshop.Accounts;

/// <summary>Look-ups every account service needs, with the messages that go with their failures.</summary>
public static class AccountStore
{
    /// <summary>The signed-in user, tracked. Missing means the account went away under the session.</summary>
    public static async Task<User> RequireUserAsync(this CheeseshopDb db, Guid userId, CancellationToken ct) =>
        await db.Users.Include(u => u.Emails).FirstOrDefaultAsync(u => u.Id == userId && u.IsActive, ct)
        ?? throw new AccountException(401, "Your session has ended. Sign in again.");

    public static UserEmail? PrimaryEmail(this User user) => user.Emails.FirstOrDefault(e => e.IsPrimary);

    public static bool HasVerifiedPrimaryEmail(this User user) => user.PrimaryEmail() is { IsVerified: true };

    /// <summary>Is the address on any live account already (compared without case)? An account sealed under
    /// a legal hold is deleted as far as anyone can tell, so its addresses are free, as a deletion frees them.</summary>
    public static Task<bool> EmailInUseAsync(this CheeseshopDb db, string email, CancellationToken ct)
    {
        var normalized = EmailAddresses.Normalize(email);
        return db.LiveEmails().AnyAsync(e => e.Email.ToLower() == normalized, ct);
    }

    /// <summary>Addresses of accounts that are not sealed: the ones a look-up by address may find.</summary>
    public static IQueryable<UserEmail> LiveEmails(this CheeseshopDb db) => db.UserEmails.Where(e => e.User!.DeletedAt == null);

    /// <summary>The live account (active, not sealed) with that username, compared as usernames are (trimmed,
    /// normalized); tracked. An operator or owner naming an account reaches only one that can still sign in.</summary>
    public static Task<User?> FindLiveUserAsync(this CheeseshopDb db, string username, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(username.Trim());
        return db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized && u.IsActive && u.DeletedAt == null, ct);
    }

    /// <summary>
    /// The account an operator names (legal requests, holds): the live account with that username, or else
    /// the account most recently sealed under a hold that had it, whose records an authority may still ask
    /// for; its name is free, so a new account of the same name comes first.
    /// </summary>
    public static async Task<User?> FindForOperatorAsync(this CheeseshopDb db, string username, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(username.Trim());
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct)
               ?? await db.Users.AsNoTracking().Where(u => u.DeletedAt != null && u.Username.ToLower() == normalized)
                   .OrderByDescending(u => u.DeletedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>Core's rule, plus what MimeKit can actually address a message to.</summary>
    public static string? EmailProblem(string? email)
    {
        if (EmailAddresses.Problem(email) is { } problem) return problem;
        var trimmed = email!.Trim();
        return MailboxAddress.TryParse(trimmed, out var parsed) && parsed.Address == trimmed
            ? null
            : $"'{trimmed}' is not a valid email address: it should look like name@example.org.";
    }
}
