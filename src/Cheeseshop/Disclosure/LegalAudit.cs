using System.Text.Json;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// Every legal action (create, list, show, hold, produce, close, release, export, notice) appends a row
/// to admin_audit, which a database trigger keeps append-only. Rows about one request carry the subject
/// "legal:ID", so `legal show` can print the request's whole trail. The row joins the caller's unit of
/// work: it is saved with the change it records, or not at all.
/// </summary>
public sealed class LegalAudit(CheeseshopDb db, TimeProvider clock)
{
    public static string SubjectOf(long requestId) => $"legal:{requestId}";

    public void Add(string actor, string action, long? requestId, object details) =>
        db.AdminAudit.Add(new AdminAuditEntry
        {
            Time = clock.GetUtcNow().UtcDateTime,
            Actor = actor,
            Action = action,
            Subject = requestId is { } id ? SubjectOf(id) : null,
            DetailsJson = JsonSerializer.Serialize(details),
        });

    public Task<List<AdminAuditEntry>> TrailAsync(long requestId, CancellationToken ct)
    {
        var subject = SubjectOf(requestId);
        return db.AdminAudit.AsNoTracking().Where(a => a.Subject == subject).OrderBy(a => a.Id).ToListAsync(ct);
    }
}
