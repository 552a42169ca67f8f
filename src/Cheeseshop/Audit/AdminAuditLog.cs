using System.Text.Json;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;

namespace Cheeseshop.Audit;

/// <summary>
/// The one way an operator's action (project, account, hold and legal verbs) becomes an admin_audit row,
/// which a database trigger keeps append-only. The row joins the caller's unit of work: it is saved with
/// the change it records, or not at all.
/// </summary>
public static class AdminAuditLog
{
    /// <param name="subject">What the action was about, as "kind:key" (e.g. "user:NAME", "legal:ID") or a
    /// project's normalized name; null for an action about nothing in particular.</param>
    /// <param name="details">Serialized as the row's JSON details.</param>
    public static AdminAuditEntry Add(CheeseshopDb db, TimeProvider clock, string actor, string action, string? subject, object details)
    {
        var entry = new AdminAuditEntry
        {
            Time = clock.GetUtcNow().UtcDateTime, Actor = actor, Action = action, Subject = subject,
            DetailsJson = JsonSerializer.Serialize(details),
        };
        db.AdminAudit.Add(entry);
        return entry;
    }
}
