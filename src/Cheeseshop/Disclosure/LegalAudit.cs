using Cheeseshop.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// Every legal action (create, list, show, hold, produce, close, release, export, notice) appends a row
/// to admin_audit, which a database trigger keeps append-only. Rows about one request carry the subject
/// "legal:ID", so `legal show` can print the request's whole trail (rows built by <see cref="AdminAuditLog"/>).
/// </summary>
public sealed class LegalAudit(CheeseshopDb db, TimeProvider clock)
{
    public static string SubjectOf(long requestId) => $"legal:{requestId}";

    public void Add(string actor, string action, long? requestId, object details) =>
        AdminAuditLog.Add(db, clock, actor, action, requestId is { } id ? SubjectOf(id) : null, details);

    public Task<List<AdminAuditEntry>> TrailAsync(long requestId, CancellationToken ct)
    {
        var subject = SubjectOf(requestId);
        return db.AdminAudit.AsNoTracking().Where(a => a.Subject == subject).OrderBy(a => a.Id).ToListAsync(ct);
    }
}
