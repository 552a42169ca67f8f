using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Privacy;

/// <summary>Places, lists and releases legal holds; every change is an admin audit record.</summary>
public sealed class LegalHoldService(CheeseshopDb db, TimeProvider clock)
{
    public async Task<LegalHold> CreateAsync(string? username, string? project, DateTime until, string reason, string actor, long? legalRequestId, CancellationToken ct)
    {
        if ((username is null) == (project is null)) throw new AdminException("Name exactly one subject: --user NAME or --project NAME.");
        if (string.IsNullOrWhiteSpace(reason)) throw new AdminException("A hold needs a --reason.");
        var now = clock.GetUtcNow().UtcDateTime;
        if (until <= now) throw new AdminException($"--until {until:O} is not in the future.");
        var hold = new LegalHold { Until = until, Reason = reason.Trim(), CreatedBy = actor, Created = now, SubjectName = "", LegalRequestId = legalRequestId };
        if (username is not null)
        {
            var user = await db.FindForOperatorAsync(username, ct)
                       ?? throw new AdminException($"No user named '{username}'.");
            hold.UserId = user.Id;
            hold.SubjectName = "user:" + user.Username;
        }
        else
        {
            var normalized = ProjectName.Normalize(project!);
            var p = await db.Projects.FirstOrDefaultAsync(x => x.NormalizedName == normalized, ct)
                    ?? throw new AdminException($"No project named '{project}'.");
            hold.ProjectId = p.Id;
            hold.SubjectName = "project:" + p.Name;
        }
        db.LegalHolds.Add(hold);
        await db.SaveChangesAsync(ct);
        Audit(actor, "hold.create", hold.SubjectName, new { hold_id = hold.Id, until = hold.Until, reason = hold.Reason, legal_request_id = legalRequestId });
        await db.SaveChangesAsync(ct);
        return hold;
    }

    public Task<List<LegalHold>> ListAsync(bool activeOnly, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var q = db.LegalHolds.AsNoTracking();
        if (activeOnly) q = q.Where(h => h.ReleasedAt == null && h.Until > now);
        return q.OrderBy(h => h.Id).ToListAsync(ct);
    }

    public async Task<LegalHold> ReleaseAsync(long id, string actor, CancellationToken ct)
    {
        var hold = await db.LegalHolds.FirstOrDefaultAsync(h => h.Id == id, ct) ?? throw new AdminException($"No hold with id {id}.");
        if (hold.ReleasedAt is not null) throw new AdminException($"Hold {id} was already released on {hold.ReleasedAt:O}.");
        hold.ReleasedAt = clock.GetUtcNow().UtcDateTime;
        hold.ReleasedBy = actor;
        Audit(actor, "hold.release", hold.SubjectName, new { hold_id = hold.Id });
        await db.SaveChangesAsync(ct);
        return hold;
    }

    private void Audit(string actor, string action, string subject, object details) =>
        AdminAuditLog.Add(db, clock, actor, action, subject, details);

    /// <summary>Who the command line acts as: the operating-system user.</summary>
    public static string CliActor => "cli:" + Environment.UserName;
}
