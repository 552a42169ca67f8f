using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Cheeseshop.Mail;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Invitations;

/// <summary>An invitation the link cannot be used for, and why (see <see cref="InvitationRules.Explain"/>).</summary>
public sealed class InvitationRefusedException(InvitationState state) : Exception(InvitationRules.Explain(state))
{
    public InvitationState State { get; } = state;

    /// <summary>404 for a link that names nothing; 410 for one that did work once.</summary>
    public int Status => State == InvitationState.Unknown ? 404 : 410;
}

/// <summary>An invitation still waiting for its invitee, as the admin page lists it.</summary>
public sealed record PendingInvitation(Guid Id, string Email, string InvitedBy, DateTime Created, DateTime ExpiresAt);

/// <summary>
/// Invitations to create an account, whatever the registration setting: an administrator (admin page or
/// `users invite`) sends one to an address; its link lets the invitee choose a username and password, and the
/// account starts with that address verified, since opening the link proved they receive mail there.
/// Inviting and revoking are admin audit rows, saved with the change.
/// </summary>
public sealed class InvitationService(CheeseshopDb db, Mailer mailer, AccountLinks links, RegistrationService registration,
    TimeProvider clock)
{
    public const string AcceptPath = "/account/invitation";
    public const string MailKind = "account-invitation";

    /// <summary>Sends a new invitation to <paramref name="email"/>; one still open to the same address is revoked,
    /// so only the newest link works.</summary>
    public async Task<AccountInvitation> InviteAsync(string? email, string actor, CancellationToken ct)
    {
        if (AccountStore.EmailProblem(email) is { } problem) throw new AdminException(problem);
        email = email!.Trim();
        if (await db.EmailInUseAsync(email, ct))
            throw new AdminException($"{email} already belongs to an account: that person can sign in, or reset their password.", 409);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = EmailAddresses.Normalize(email);
        foreach (var older in await db.AccountInvitations
                     .Where(OpenAt(now)).Where(i => i.Email.ToLower() == key).ToListAsync(ct))
        {
            older.RevokedAt = now;
            AdminAuditLog.Add(db, clock, actor, "invitation.revoke", Subject(older.Id), new { replaced = true });
        }
        var token = InvitationRules.NewToken();
        var invitation = new AccountInvitation
        {
            Id = token.Id, Email = email, SecretHash = InvitationRules.Hash(token.Secret), InvitedBy = actor,
            Created = now, ExpiresAt = InvitationRules.ExpiresAt(now),
        };
        db.AccountInvitations.Add(invitation);
        AdminAuditLog.Add(db, clock, actor, "invitation.create", Subject(invitation.Id), new { expires = invitation.ExpiresAt });
        // Sent last: a relay that refuses the message throws before anything is saved.
        await mailer.SendAsync(new OutgoingEmail(null, email, "You are invited to create an account",
            "Hello,\n\n" +
            $"An administrator of the package index at {links.Absolute("/")} invited you to create an account there.\n" +
            $"To choose your username and password, open this link within {InvitationRules.Lifetime.TotalDays:0} days. It works once:\n\n" +
            $"{links.Absolute(AcceptPath + "?token=" + Uri.EscapeDataString(token.ToString()))}\n\n" +
            "If you did not expect this, ignore this message: no account is made unless you open the link." + AccountMail.Footer,
            MailKind), ct);
        await db.SaveChangesAsync(ct);
        return invitation;
    }

    public async Task RevokeAsync(Guid id, string actor, CancellationToken ct)
    {
        var invitation = await db.AccountInvitations.FirstOrDefaultAsync(i => i.Id == id, ct)
            ?? throw new AdminException("There is no such invitation.", 404);
        var state = InvitationRules.State(clock.GetUtcNow().UtcDateTime, invitation.ExpiresAt, invitation.UsedAt, invitation.RevokedAt);
        if (state != InvitationState.Open)
            throw new AdminException($"The invitation to {invitation.Email} cannot be revoked: it is {state.ToString().ToLowerInvariant()}.", 409);
        invitation.RevokedAt = clock.GetUtcNow().UtcDateTime;
        AdminAuditLog.Add(db, clock, actor, "invitation.revoke", Subject(id), new { });
        await db.SaveChangesAsync(ct);
    }

    public Task<List<PendingInvitation>> PendingAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.AccountInvitations.AsNoTracking()
            .Where(OpenAt(now))
            .OrderBy(i => i.ExpiresAt)
            .Select(i => new PendingInvitation(i.Id, i.Email, i.InvitedBy, i.Created, i.ExpiresAt))
            .ToListAsync(ct);
    }

    /// <summary>The open invitation a link names; refused (with the reason) otherwise.</summary>
    public async Task<AccountInvitation> OpenAsync(string? tokenText, CancellationToken ct)
    {
        var token = InvitationRules.Parse(tokenText) ?? throw new InvitationRefusedException(InvitationState.Unknown);
        var invitation = await db.AccountInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == token.Id, ct);
        if (invitation is null || !InvitationRules.Matches(invitation.SecretHash, token.Secret))
            throw new InvitationRefusedException(InvitationState.Unknown);
        var state = InvitationRules.State(clock.GetUtcNow().UtcDateTime, invitation.ExpiresAt, invitation.UsedAt, invitation.RevokedAt);
        if (state != InvitationState.Open) throw new InvitationRefusedException(state);
        return invitation;
    }

    /// <summary>
    /// Makes the account. The invitation is claimed by a conditional update inside the same transaction as the
    /// new account, so two submissions of one link make one account, and a refused username or password leaves
    /// the link usable.
    /// </summary>
    public async Task<User> AcceptAsync(string? tokenText, string? username, string? password, CancellationToken ct)
    {
        var invitation = await OpenAsync(tokenText, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.AccountInvitations
            .Where(OpenAt(now)).Where(i => i.Id == invitation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            await OpenAsync(tokenText, ct);
            throw new InvitationRefusedException(InvitationState.Used);
        }
        var user = await registration.CreateVerifiedAsync(username, invitation.Email, password, admin: false, ct);
        await db.AccountInvitations.Where(i => i.Id == invitation.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.UserId, user.Id), ct);
        // The records of the invitations mailed to the address become the account's, so that deleting the
        // account, a legal hold on it and its disclosure cover them as they cover its other mail.
        var key = EmailAddresses.Normalize(invitation.Email);
        await db.SentEmails.Where(m => m.UserId == null && m.Kind == MailKind && m.ToAddress.ToLower() == key)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.UserId, user.Id), ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>Not used, not revoked and not expired at <paramref name="now"/>: <see cref="InvitationState.Open"/>, in SQL.</summary>
    private static System.Linq.Expressions.Expression<Func<AccountInvitation, bool>> OpenAt(DateTime now) =>
        i => i.UsedAt == null && i.RevokedAt == null && i.ExpiresAt > now;

    private static string Subject(Guid id) => $"invitation:{id:N}";
}
