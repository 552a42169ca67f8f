using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// The account that public history is handed to when its author deletes their account: "deleted-user",
/// as on PyPI. It has no password and is inactive, so nobody can sign in as it; it is made the first
/// time it is needed (warehouse expects it to exist already and fails if it does not).
/// </summary>
public static class Tombstone
{
    public static async Task<User> GetOrCreateAsync(CheeseshopDb db, TimeProvider clock, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(Usernames.Tombstone);
        var existing = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
        if (existing is not null) return existing;
        var tombstone = new User
        {
            Id = Guid.NewGuid(), Username = Usernames.Tombstone, NormalizedUsername = normalized,
            DisplayName = "Deleted user", PasswordHash = null, IsActive = false, DateJoined = clock.GetUtcNow().UtcDateTime,
        };
        db.Users.Add(tombstone);
        try
        {
            await db.SaveChangesAsync(ct);
            return tombstone;
        }
        catch (DbUpdateException)
        {
            // Another deletion created it at the same moment: use theirs.
            db.Entry(tombstone).State = EntityState.Detached;
            return await db.Users.FirstAsync(u => u.NormalizedUsername == normalized, ct);
        }
    }
}
