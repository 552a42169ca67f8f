using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Usernames change only by an administrator, and every change is kept: a UsernameChange row (old, new,
/// by whom, when) and the account event account:username:change. Journal rows point at the account,
/// not at its name, so the history follows the new name.
/// </summary>
public sealed class UsernameRenamer(CheeseshopDb db, EventRecorder events, TimeProvider clock)
{
    public async Task<UsernameChange> RenameAsync(string oldName, string newName, string changedBy, Guid? changedById, CancellationToken ct)
    {
        oldName = oldName.Trim();
        newName = newName.Trim();
        var oldNormalized = Usernames.Normalize(oldName);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == oldNormalized, ct)
            ?? throw new AdminException($"No user named '{oldName}'.");
        if (user.NormalizedUsername == Usernames.Normalize(Usernames.Tombstone))
            throw new AdminException($"'{Usernames.Tombstone}' holds the history of deleted accounts and cannot be renamed.");
        if (Usernames.Problem(newName) is { } problem) throw new AdminException(problem);
        if (string.Equals(newName, Usernames.Tombstone, StringComparison.OrdinalIgnoreCase))
            throw new AdminException($"'{newName}' is reserved.");
        if (newName == user.Username) throw new AdminException($"The user is already named '{newName}'.");
        var newNormalized = Usernames.Normalize(newName);
        // A change of case only is allowed: the name stays the same account's.
        if (newNormalized != user.NormalizedUsername && await db.Users.AnyAsync(u => u.NormalizedUsername == newNormalized, ct))
            throw new AdminException($"The username '{newName}' is already taken.");

        var change = new UsernameChange
        {
            UserId = user.Id, OldUsername = user.Username, NewUsername = newName, ChangedBy = changedBy,
            ChangedById = changedById, Time = clock.GetUtcNow().UtcDateTime,
        };
        db.UsernameChanges.Add(change);
        await events.UserEventAsync(user.Id, EventTags.Account.UsernameChanged,
            new { old = user.Username, @new = newName, changed_by = changedBy }, ct);
        user.Username = newName;
        user.NormalizedUsername = newNormalized;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new AdminException($"The username '{newName}' was taken at the same moment; choose another.");
        }
        return change;
    }
}
