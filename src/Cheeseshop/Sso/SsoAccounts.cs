using System.Security.Claims;
using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Sso;

/// <summary>Who the provider says signed in: its issuer and subject, and the address it vouches for.</summary>
public sealed record SsoIdentity(string Issuer, string Subject, string? Email, bool EmailVerified, string? PreferredUsername, string? Name)
{
    /// <summary>From the principal the OpenID Connect handler built (inbound claims are not renamed).</summary>
    public static SsoIdentity? From(ClaimsPrincipal principal)
    {
        var sub = principal.FindFirst("sub");
        if (sub is null || string.IsNullOrEmpty(sub.Value) || string.IsNullOrEmpty(sub.Issuer)) return null;
        var verified = principal.FindFirstValue("email_verified");
        return new SsoIdentity(sub.Issuer, sub.Value, principal.FindFirstValue("email"),
            bool.TryParse(verified, out var v) && v, principal.FindFirstValue("preferred_username"), principal.FindFirstValue("name"));
    }
}

/// <summary>A sign-in through the provider that finds no account it may use; <see cref="Reason"/> names the page's message.</summary>
public sealed class SsoRefusal(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Which account a sign-in through the provider is: the one linked to its issuer and subject; at a first
/// sign-in, the live account whose verified address is the provider's verified address (then linked), or a
/// new account when registration is open or Auth:Oidc:CreateAccounts says so. Anything else is refused.
/// </summary>
public sealed class SsoAccounts(CheeseshopDb db, EventRecorder events, SsoOptions sso, CheeseshopOptions options, TimeProvider clock)
{
    public const string NoAccount = "no-account", UnverifiedEmail = "unverified-email", Inactive = "inactive",
        AlreadyLinked = "already-linked", Failed = "failed";

    public async Task<User> ResolveAsync(SsoIdentity identity, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.SsoLinks.FirstOrDefaultAsync(l => l.Issuer == identity.Issuer && l.Subject == identity.Subject, ct);
        if (link is not null)
        {
            var linked = await db.Users.FirstOrDefaultAsync(u => u.Id == link.UserId, ct);
            if (linked is null || !Usable(linked)) throw new SsoRefusal(Inactive);
            link.LastUsed = now;
            return linked;
        }
        if (!identity.EmailVerified || string.IsNullOrWhiteSpace(identity.Email) || AccountStore.EmailProblem(identity.Email) is not null)
            throw new SsoRefusal(UnverifiedEmail);
        var email = identity.Email.Trim();
        var normalized = EmailAddresses.Normalize(email);
        var user = await db.LiveEmails().Where(e => e.IsVerified && e.Email.ToLower() == normalized)
            .Select(e => e.User!).FirstOrDefaultAsync(ct);
        if (user is not null)
        {
            if (!Usable(user)) throw new SsoRefusal(Inactive);
            if (await db.SsoLinks.AnyAsync(l => l.UserId == user.Id && l.Issuer == identity.Issuer, ct))
                throw new SsoRefusal(AlreadyLinked);
        }
        else if (options.Registration == RegistrationMode.Open || sso.CreateAccounts)
        {
            // An account that holds the address unverified is not linked (there the address proves nothing),
            // and no second account is made with it, as registration would refuse it.
            if (await db.EmailInUseAsync(email, ct)) throw new SsoRefusal(NoAccount);
            user = await CreateAsync(identity, email, now, ct);
        }
        else throw new SsoRefusal(NoAccount);

        db.SsoLinks.Add(new SsoLink { Issuer = identity.Issuer, Subject = identity.Subject, UserId = user.Id, Created = now, LastUsed = now });
        await events.UserEventAsync(user.Id, EventTags.Account.SsoLinked, new { issuer = identity.Issuer, subject = identity.Subject, email }, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same identity signed in twice at once, or the name was taken in between: the next try finds the link.
            db.ChangeTracker.Clear();
            throw new SsoRefusal(Failed);
        }
        return user;
    }

    private static bool Usable(User user) => user.IsActive && !user.IsFrozen && user.DeletedAt is null;

    /// <summary>An account without a password (it can set one by a reset, or keep signing in through the
    /// provider), with the provider's address, verified.</summary>
    private async Task<User> CreateAsync(SsoIdentity identity, string email, DateTime now, CancellationToken ct)
    {
        var baseName = SsoUsernames.Base(identity.PreferredUsername, email);
        string? username = null;
        for (var attempt = 1; attempt <= 100 && username is null; attempt++)
        {
            var candidate = SsoUsernames.WithSuffix(baseName, attempt);
            var key = Usernames.Normalize(candidate);
            if (!await db.Users.AnyAsync(u => u.NormalizedUsername == key, ct)) username = candidate;
        }
        if (username is null) throw new SsoRefusal(Failed);
        var user = new User
        {
            Id = Guid.NewGuid(), Username = username, NormalizedUsername = Usernames.Normalize(username),
            DisplayName = DisplayNames.Problem(identity.Name) is null ? DisplayNames.Clean(identity.Name) : "",
            PasswordHash = null, DateJoined = now,
        };
        user.Emails.Add(new UserEmail { Email = email, IsPrimary = true, IsVerified = true });
        db.Users.Add(user);
        await events.UserEventAsync(user.Id, EventTags.Account.Created, new { email, method = "sso" }, ct);
        await events.UserEventAsync(user.Id, EventTags.Account.EmailAdded, new { email }, ct);
        await events.UserEventAsync(user.Id, EventTags.Account.EmailVerified, new { email, primary = true }, ct);
        return user;
    }
}
