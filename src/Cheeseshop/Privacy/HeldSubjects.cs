using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Privacy;

/// <summary>The users and projects under an active legal hold at a given time.</summary>
public sealed record HeldSubjects(IReadOnlySet<Guid> Users, IReadOnlySet<Guid> Projects)
{
    public static async Task<HeldSubjects> LoadAsync(CheeseshopDb db, DateTime asOf, CancellationToken ct)
    {
        var holds = await db.LegalHolds.AsNoTracking()
            .Where(h => h.ReleasedAt == null && h.Until > asOf)
            .Select(h => new { h.UserId, h.ProjectId }).ToListAsync(ct);
        return new HeldSubjects(
            holds.Where(h => h.UserId is not null).Select(h => h.UserId!.Value).ToHashSet(),
            holds.Where(h => h.ProjectId is not null).Select(h => h.ProjectId!.Value).ToHashSet());
    }
}
