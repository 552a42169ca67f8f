using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;

namespace Cheeseshop.Accounts;

/// <summary>The display name: free text, replaced in place (no history is kept, by design).</summary>
public sealed class ProfileService(CheeseshopDb db)
{
    public async Task<string> ChangeDisplayNameAsync(Guid userId, string? name, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        if (DisplayNames.Problem(name) is { } problem) throw AccountException.BadRequest(problem);
        user.DisplayName = DisplayNames.Clean(name);
        await db.SaveChangesAsync(ct);
        return user.DisplayName;
    }
}
