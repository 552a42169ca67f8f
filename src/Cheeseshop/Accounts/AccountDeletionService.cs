using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Self-service account deletion (shared/WIRE.md §7). Refused while the user is the only Owner of a
/// project, so no project is orphaned. Otherwise personal data goes at once: addresses, tokens,
/// recovery codes, invitations, roles and the account's own events are deleted; the public journal is
/// reattributed to "deleted-user"; project events keep what happened but no longer point at the
/// account. The farewell email leaves before the address is deleted. Sessions end because the user
/// row (and so the security stamp every cookie is checked against) is gone. Under a legal hold the
/// account is closed instead, and erased when the hold ends.
/// </summary>
public sealed class AccountDeletionService(
    CheeseshopDb db, SignInService signIn, AccountMail mail, IndexChangeFeed changes, TimeProvider clock,
    ILogger<AccountDeletionService> log)
{
    public async Task<IReadOnlyList<string>> SoleOwnerProjectsAsync(Guid userId, CancellationToken ct) =>
        await db.Roles
            .Where(r => r.UserId == userId && r.RoleName == RoleNames.Owner)
            .Where(r => !db.Roles.Any(o => o.ProjectId == r.ProjectId && o.RoleName == RoleNames.Owner && o.UserId != userId))
            .Select(r => r.Project!.Name).OrderBy(n => n).ToListAsync(ct);

    public async Task DeleteAsync(Guid userId, string? password, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        await signIn.ConfirmPasswordAsync(user, password, ct);
        await EnsureNotSoleOwnerAsync(user.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.LegalHolds.AnyAsync(h => h.UserId == user.Id && h.ReleasedAt == null && h.Until > now, ct))
            await CloseUnderHoldAsync(user, now, ct);
        else
            await EraseAsync(user, sendFarewell: true, ct);
    }

    /// <summary>
    /// A legal hold keeps every record of the account, so deletion only closes it: it stops working
    /// (inactive, every session ended) and is marked DeletedAt for retention to erase once no hold
    /// remains (EraseAsync). The person is told the same as for a deletion: a hold may be under a
    /// non-disclosure order, so nothing here may reveal it.
    /// </summary>
    private async Task CloseUnderHoldAsync(User user, DateTime now, CancellationToken ct)
    {
        user.IsActive = false;
        user.DeletedAt = now;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        if (user.PrimaryEmail() is { } primary)
        {
            try
            {
                await mail.SendAccountDeletedAsync(user, primary.Email, ct);
            }
            catch (Mail.MailDeliveryException)
            {
            }
        }
        await db.SaveChangesAsync(ct);
        log.LogInformation("An account was closed at its owner's request; a legal hold keeps its records until released");
    }

    /// <summary>
    /// Erases an account now. Also for retention, once an account closed under a hold is free to go
    /// (then without the farewell email, which was sent at closing).
    /// </summary>
    public async Task EraseAsync(User user, bool sendFarewell, CancellationToken ct)
    {
        var tombstone = await Tombstone.GetOrCreateAsync(db, clock, ct);
        IReadOnlyList<string> projects;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            // Again inside the transaction that serializes role changes: an Owner may have left meanwhile.
            await EnsureNotSoleOwnerAsync(user.Id, ct);
            projects = await db.Roles.Where(r => r.UserId == user.Id).Select(r => r.Project!.NormalizedName).ToListAsync(ct);

            if (sendFarewell && user.PrimaryEmail() is { } primary)
            {
                try
                {
                    await mail.SendAccountDeletedAsync(user, primary.Email, ct);
                }
                catch (Mail.MailDeliveryException)
                {
                    // Erasure is not held hostage by a mail relay; the Mailer logged the failure.
                }
            }
            // The record of that email (a SentEmail row and an account:email:sent event) would be
            // deleted with the account a moment later, so it is not written at all.
            db.ChangeTracker.Clear();

            await db.Journals.Where(j => j.SubmittedById == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.SubmittedById, tombstone.Id), ct);
            await db.ProjectEvents.Where(e => e.UserId == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.UserId, (Guid?)null), ct);
            await db.Releases.Where(r => r.UploaderId == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.UploaderId, (Guid?)null), ct);
            await db.Files.Where(f => f.UploaderId == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.UploaderId, (Guid?)null), ct);
            await db.RoleInvitations.Where(i => i.InvitedById == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.InvitedById, (Guid?)null), ct);
            await db.UsernameChanges.Where(c => c.ChangedById == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ChangedById, (Guid?)null), ct);

            // Explicit deletes rather than trusting each database's cascade settings.
            await db.UserEvents.Where(e => e.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.UserEmails.Where(e => e.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.ApiTokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.RoleInvitations.Where(i => i.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.Roles.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.UsernameChanges.Where(c => c.UserId == user.Id).ExecuteDeleteAsync(ct);
            await db.SentEmails.Where(m => m.UserId == user.Id).ExecuteDeleteAsync(ct);
            await UsernameScrubber.ScrubAsync(db, user.Username, ct);
            await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        log.LogInformation("An account was deleted at its owner's request");
        // Roles vanished with no journal row (warehouse writes none), so tell this node's page cache directly.
        changes.Publish(projects);
    }

    private async Task EnsureNotSoleOwnerAsync(Guid userId, CancellationToken ct)
    {
        var sole = await SoleOwnerProjectsAsync(userId, ct);
        if (sole.Count > 0)
            throw AccountException.Conflict(
                $"You cannot delete your account while you are the only Owner of {string.Join(", ", sole)}. " +
                "Make another user an Owner of each of these projects first.");
    }
}
