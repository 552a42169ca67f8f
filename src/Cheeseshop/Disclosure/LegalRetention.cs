using Cheeseshop.Accounts;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// Finishes the deletion of accounts their owners deleted while a legal hold kept them (sealed): once no
/// active hold covers such an account, it is erased exactly as an unheld deletion would have erased it.
/// </summary>
public sealed class SealedAccountRetention(TimeProvider clock) : IRetentionTask
{
    public string Key => RetentionPolicy.DeletedHeldAccounts;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        var due = await c.Db.Users.Where(u => u.DeletedAt != null && u.DeletedAt <= cutoff && !held.Contains(u.Id))
            .OrderBy(u => u.DeletedAt).Select(u => new { u.Id, u.Username, u.DeletedAt }).ToListAsync(ct);
        if (c.DryRun || due.Count == 0) return due.Count;
        var tombstone = await Tombstone.GetOrCreateAsync(c.Db, clock, ct);
        foreach (var user in due) await AccountDeletionService.EraseAsync(c.Db, user.Id, user.Username, tombstone.Id, user.DeletedAt, ct);
        return due.Count;
    }
}

/// <summary>Closed legal requests (and data exports) with their subjects and disclosure records, once kept for the policy's window.</summary>
public sealed class LegalRequestRetention : IRetentionTask
{
    public string Key => RetentionPolicy.LegalRequests;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var old = c.Db.LegalRequests.Where(r => r.ClosedAt != null && r.ClosedAt < cutoff);
        if (c.DryRun) return await old.CountAsync(ct);
        await c.Db.Disclosures.Where(d => old.Any(r => r.Id == d.LegalRequestId)).ExecuteDeleteAsync(ct);
        await c.Db.LegalRequestSubjects.Where(s => old.Any(r => r.Id == s.LegalRequestId)).ExecuteDeleteAsync(ct);
        return await old.ExecuteDeleteAsync(ct);
    }
}
