using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>An account's email addresses: add, remove, verify by link, choose the primary one.</summary>
public sealed class EmailAddressService(CheeseshopDb db, EventRecorder events, AccountMail mail, AccountTokens tokens,
    RateLimits.AccountLimiter limiter)
{
    public async Task<UserEmail> AddAsync(Guid userId, string? email, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (AccountStore.EmailProblem(email) is { } problem) throw AccountException.BadRequest(problem);
        email = email!.Trim();
        var normalized = EmailAddresses.Normalize(email);
        if (user.Emails.Any(e => EmailAddresses.Normalize(e.Email) == normalized))
            throw AccountException.Conflict($"{email} is already on your account.");
        if (user.Emails.Count >= EmailAddresses.MaxPerAccount)
            throw AccountException.Conflict($"An account can have at most {EmailAddresses.MaxPerAccount} email addresses. Remove one first.");
        if (await db.EmailInUseAsync(email, ct))
            throw AccountException.Conflict("This email address is already used by another account. Use a different one.");

        TakeVerificationMail(user.Id);
        var address = new UserEmail { UserId = user.Id, Email = email, IsPrimary = false, IsVerified = false };
        user.Emails.Add(address);
        await events.UserEventAsync(user.Id, EventTags.Account.EmailAdded, new { email }, ct);
        await db.SaveChangesAsync(ct); // the link names the row's id
        await mail.SendVerificationAsync(user, address, ct);
        await db.SaveChangesAsync(ct);
        return address;
    }

    public async Task<string> RemoveAsync(Guid userId, long emailId, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var address = Find(user, emailId);
        if (address.IsPrimary)
            throw AccountException.Conflict($"{address.Email} is your primary address. Make another verified address primary before removing it.");
        db.UserEmails.Remove(address);
        await events.UserEventAsync(user.Id, EventTags.Account.EmailRemoved, new { email = address.Email }, ct);
        await db.SaveChangesAsync(ct);
        return address.Email;
    }

    public async Task<string> MakePrimaryAsync(Guid userId, long emailId, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var address = Find(user, emailId);
        if (address.IsPrimary) throw AccountException.Conflict($"{address.Email} is already your primary address.");
        if (!address.IsVerified)
            throw AccountException.Conflict($"Verify {address.Email} (open the link we sent to it) before making it your primary address.");
        var old = user.PrimaryEmail();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (old is not null)
        {
            old.IsPrimary = false;
            // Two primaries must never be visible at once: clear the old one in its own statement first.
            await db.SaveChangesAsync(ct);
        }
        address.IsPrimary = true;
        await events.UserEventAsync(user.Id, EventTags.Account.EmailPrimaryChanged,
            new { old_primary = old?.Email, new_primary = address.Email }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return address.Email;
    }

    public async Task<string> ResendVerificationAsync(Guid userId, long emailId, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var address = Find(user, emailId);
        if (address.IsVerified) throw AccountException.Conflict($"{address.Email} is already verified.");
        TakeVerificationMail(user.Id);
        await mail.SendVerificationAsync(user, address, ct);
        await db.SaveChangesAsync(ct);
        return address.Email;
    }

    /// <summary>Opens a verification link. Needs no session: the signed link itself proves it was sent to this address.</summary>
    public async Task<string> VerifyAsync(string? token, CancellationToken ct)
    {
        var claim = tokens.ReadEmailVerification(token)
            ?? throw AccountException.BadRequest(
                $"This verification link is not valid or has expired (links work for {AccountTokens.EmailVerificationLifetime.TotalHours:0} hours). " +
                "Sign in and send a new one from your account page.");
        var address = await db.UserEmails.Include(e => e.User)
            .FirstOrDefaultAsync(e => e.Id == claim.EmailId && e.UserId == claim.UserId, ct);
        if (address is null || address.Email != claim.Email || address.User is not { IsActive: true })
            throw AccountException.BadRequest("This address is no longer on the account the link was sent for, so there is nothing to verify.");
        if (address.IsVerified) return address.Email;
        address.IsVerified = true;
        await events.UserEventAsync(address.UserId, EventTags.Account.EmailVerified,
            new { email = address.Email, primary = address.IsPrimary }, ct);
        await db.SaveChangesAsync(ct);
        return address.Email;
    }

    private static UserEmail Find(User user, long emailId) =>
        user.Emails.FirstOrDefault(e => e.Id == emailId)
        ?? throw AccountException.NotFound("That email address is not on your account (was it removed in another window?).");

    /// <summary>Each verification link is a mail someone asked for from a signed-in session; a few an hour
    /// is plenty for a person and keeps an account from being used to flood an inbox.</summary>
    private void TakeVerificationMail(Guid userId)
    {
        if (limiter.VerificationMail(userId) is { } seconds)
            throw new AccountException(429,
                $"Too many verification emails have been asked for on this account. Try again in {RateLimits.RateLimitRegistration.Wait(seconds)}.",
                TimeSpan.FromSeconds(seconds));
    }
}
