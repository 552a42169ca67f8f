using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Admin;

/// <summary>
/// What administrators decide about accounts from the admin pages: disabling one (the account's "frozen" flag,
/// which sign-in, Basic auth, API tokens and trusted publishing already refuse) and enabling it again. Each
/// action is one admin audit record, saved with the change it describes.
/// </summary>
public sealed class AccountAdmin(CheeseshopDb db, TimeProvider clock, ReadCredentialCache readers)
{
    public async Task DisableAsync(string username, Guid actorId, string actor, CancellationToken ct)
    {
        var user = await RequireAsync(username, ct);
        if (user.Id == actorId) throw new AdminException("You cannot disable your own account: ask another administrator.");
        if (user.IsFrozen) throw new AdminException($"{user.Username} is already disabled.", 409);
        user.IsFrozen = true;
        // Sessions carry the stamp: changing it signs the account out everywhere at once.
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        Audit(actor, "user.disable", user.Username);
        await db.SaveChangesAsync(ct);
        // This node's read cache would accept the account's credentials for reads until its entries age out.
        readers.ForgetUser(user.Id);
    }

    public async Task EnableAsync(string username, string actor, CancellationToken ct)
    {
        var user = await RequireAsync(username, ct);
        if (!user.IsFrozen) throw new AdminException($"{user.Username} is not disabled.", 409);
        user.IsFrozen = false;
        Audit(actor, "user.enable", user.Username);
        await db.SaveChangesAsync(ct);
    }

    private async Task<User> RequireAsync(string username, CancellationToken ct) =>
        await db.FindLiveUserAsync(username, ct) ?? throw new AdminException($"No user named '{username.Trim()}'.", 404);

    private void Audit(string actor, string action, string subject) =>
        AdminAuditLog.Add(db, clock, actor, action, "user:" + subject, new { });
}
