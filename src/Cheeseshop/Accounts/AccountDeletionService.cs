using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Self-service account deletion, as warehouse's (docs/compatibility.md). Refused while the user is the only Owner of a
/// project, so no project is orphaned. Otherwise personal data goes at once: addresses, tokens,
/// recovery codes, invitations, roles and the account's own events are deleted; the public journal is
/// reattributed to "deleted-user"; project events keep what happened but no longer point at the
/// account. The farewell email leaves before the address is deleted. Sessions end because the user
/// row (and so the security stamp every cookie is checked against) is gone.
/// Under a legal hold the account is sealed instead (<see cref="SealAsync"/>): it stops working and
/// disappears at once, its username and addresses are free at once, and its held records go when the
/// hold ends (Disclosure/SealedAccountRetention).
/// </summary>
public sealed class AccountDeletionService(
    CheeseshopDb db, SignInService signIn, AccountMail mail, IndexWriter writer, TimeProvider clock,
    Auth.ReadCredentialCache readers, ILogger<AccountDeletionService> log)
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
        var tombstone = await Tombstone.GetOrCreateAsync(db, clock, ct);

        var sealedUnderHold = await writer.ChangeAsync(async change =>
        {
            // Again inside the transaction that serializes role changes: an Owner may have left meanwhile.
            await EnsureNotSoleOwnerAsync(user.Id, ct);
            // Roles vanish with no journal row (warehouse writes none), so their projects are named to the caches.
            foreach (var project in await db.Roles.Where(r => r.UserId == user.Id).Select(r => r.Project!.NormalizedName).ToListAsync(ct))
                change.Touch(project);
            var now = clock.GetUtcNow().UtcDateTime;
            var held = await HeldSubjects.IsUserHeldAsync(db, user.Id, now, ct);

            if (user.PrimaryEmail() is { } primary)
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

            // The user sees the same outcome either way: a legal hold is never revealed by a refusal.
            if (held) await SealAsync(db, user.Id, now, ct);
            else await EraseAsync(db, user.Id, user.Username, tombstone.Id, null, ct);
            return held;
        }, ct);
        readers.ForgetUser(user.Id);
        log.LogInformation(sealedUnderHold
            ? "An account was deleted at its owner's request; a legal hold keeps its records sealed until the hold ends"
            : "An account was deleted at its owner's request");
    }

    /// <summary>
    /// Deletion while a legal hold covers the account: to its owner and everyone else it is deleted at
    /// once (no sign-in, no session, no token, no role, no pending invitation; its username and email
    /// addresses are free for anyone to take, as after any deletion, so nothing tips the owner off), and
    /// its credentials go, because nothing ever discloses them. Everything the hold is for (addresses,
    /// events, journal attribution, username changes, sent-mail records, and the username itself in
    /// <c>Username</c>) stays, sealed, until retention finds the account no longer held and erases it
    /// (<see cref="EraseAsync"/>).
    /// </summary>
    public static async Task SealAsync(CheeseshopDb db, Guid userId, DateTime now, CancellationToken ct)
    {
        // The unique normalized name moves out of the username space (':' is not allowed in a username),
        // so no look-up by name finds the account and the name can be registered again. The addresses stay
        // on their rows: only live accounts count when an address is checked for use (AccountStore).
        var sealedName = SealedAccounts.NormalizedName(userId);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.NormalizedUsername, sealedName)
            .SetProperty(u => u.DeletedAt, now)
            .SetProperty(u => u.IsActive, false)
            .SetProperty(u => u.PasswordHash, (string?)null)
            .SetProperty(u => u.TotpSecretProtected, (string?)null)
            .SetProperty(u => u.TotpLastStep, (long?)null)
            .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N")), ct);
        // An empty hash matches no presented token; the row stays for its description and dates.
        await db.ApiTokens.Where(t => t.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(t => t.SecretHash, Array.Empty<byte>()), ct);
        await db.RecoveryCodes.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        // The keys go with the other second factors; their additions and removals stay in the account's events.
        await db.SecurityKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(ct);
        await db.RoleInvitations.Where(i => i.UserId == userId).ExecuteDeleteAsync(ct);
        await db.RoleInvitations.Where(i => i.InvitedById == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.InvitedById, (Guid?)null), ct);
        await db.Roles.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        // Pending publishers stay under the hold (an exchange refuses them: the account is deleted); erasure removes them.
        // The single sign-on identity is free again: its next sign-in starts afresh (by verified address).
        await db.SsoLinks.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Erases an account's personal data: public history is handed to the tombstone, everything personal
    /// is deleted. Used at once by a deletion without a hold, and by retention for a sealed account once
    /// no hold remains. Runs inside the caller's transaction.
    /// </summary>
    /// <param name="sealedAt">For a sealed account, when it was deleted: its name has been free since, so only
    /// events up to then can name it (a later holder of the name keeps theirs).</param>
    public static async Task EraseAsync(CheeseshopDb db, Guid userId, string username, Guid tombstoneId, DateTime? sealedAt, CancellationToken ct)
    {
        await db.Journals.Where(j => j.SubmittedById == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.SubmittedById, tombstoneId), ct);
        await db.ProjectEvents.Where(e => e.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.UserId, (Guid?)null), ct);
        await db.Releases.Where(r => r.UploaderId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UploaderId, (Guid?)null), ct);
        await db.Files.Where(f => f.UploaderId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.UploaderId, (Guid?)null), ct);
        await db.RoleInvitations.Where(i => i.InvitedById == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.InvitedById, (Guid?)null), ct);
        await db.UsernameChanges.Where(c => c.ChangedById == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ChangedById, (Guid?)null), ct);
        // A project's publisher stays (its tokens then act for an Owner); a pending one goes with the account.
        await db.TrustedPublishers.Where(p => p.AddedById == userId && p.ProjectId == null).ExecuteDeleteAsync(ct);
        await db.TrustedPublishers.Where(p => p.AddedById == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.AddedById, (Guid?)null), ct);
        // The record of a user's own data request needs no name once the account is gone; a legal
        // request's record keeps the name it was made under (it is what was disclosed, about whom).
        await db.LegalRequestSubjects.Where(s => s.UserId == userId && s.LegalRequest!.Kind == Core.Disclosure.RequestKinds.DataSubject)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Username, Usernames.Tombstone), ct);
        await db.LegalRequestSubjects.Where(s => s.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.UserId, (Guid?)null), ct);

        // Explicit deletes rather than trusting each database's cascade settings.
        await db.UserEvents.Where(e => e.UserId == userId).ExecuteDeleteAsync(ct);
        await db.UserEmails.Where(e => e.UserId == userId).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        await db.RecoveryCodes.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        await db.RoleInvitations.Where(i => i.UserId == userId).ExecuteDeleteAsync(ct);
        await db.Roles.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        await db.UsernameChanges.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        await db.SentEmails.Where(m => m.UserId == userId).ExecuteDeleteAsync(ct);
        // The invitation the account was made with holds its address.
        await db.AccountInvitations.Where(i => i.UserId == userId).ExecuteDeleteAsync(ct);
        await db.SsoLinks.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
        await db.SecurityKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(ct);
        await UsernameScrubber.ScrubAsync(db, username, sealedAt, ct);
        await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync(ct);
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
