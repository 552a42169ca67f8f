using Cheeseshop.Accounts;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Mail;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>What a round of notices did.</summary>
public sealed record NoticeRun(int Sent, int Undeliverable, int Failed);

/// <summary>
/// Tells each subject of a closed request about it by email: kind, authority, date received, outcome and
/// categories disclosed, never the records. A notice is due when the request closes, or on the day a
/// nondisclosure order ends; the daily job (and `legal notices`) sends whatever is due. Each notice goes
/// through the Mailer, so it is a SentEmail row and an account:email:sent user event, and it is in the
/// admin audit. An account that was erased or deleted gets none ("undeliverable"); a relay failure
/// leaves the notice waiting for the next run.
/// </summary>
public sealed class LegalNoticeService(
    CheeseshopDb db, Mailer mailer, LegalAudit audit, AccountLinks links, DisclosureOptions options, TimeProvider clock,
    ILogger<LegalNoticeService> log)
{
    public const string Waiting = "waiting";
    public const string Sent = "sent";
    public const string Undeliverable = "undeliverable";
    public const string Kind = "legal-notice";

    /// <param name="asOf">Notices due at or before this time are sent.</param>
    /// <param name="requestId">Only this request's notices (closing sends its own); null: every request's.</param>
    public async Task<NoticeRun> SendDueAsync(DateTime asOf, long? requestId, string actor, CancellationToken ct)
    {
        var due = db.LegalRequestSubjects.Where(s => s.NoticeStatus == Waiting && s.NoticeDue <= asOf && s.LegalRequest!.ClosedAt != null);
        if (requestId is { } only) due = due.Where(s => s.LegalRequestId == only);
        var ids = await due.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);
        int sent = 0, undeliverable = 0, failed = 0;
        foreach (var id in ids)
        {
            db.ChangeTracker.Clear();
            var subject = await db.LegalRequestSubjects.Include(s => s.LegalRequest).FirstAsync(s => s.Id == id, ct);
            var request = subject.LegalRequest!;
            var user = subject.UserId is { } userId ? await db.Users.Include(u => u.Emails).FirstOrDefaultAsync(u => u.Id == userId, ct) : null;
            var address = user?.PrimaryEmail()?.Email ?? user?.Emails.Where(e => e.IsVerified).Select(e => e.Email).Order().FirstOrDefault();
            if (user is null || user.DeletedAt is not null || !user.IsActive || address is null)
            {
                var why = user is null ? "the account no longer exists" : user.DeletedAt is not null || !user.IsActive ? "the account was deleted or deactivated" : "the account has no email address";
                subject.NoticeStatus = Undeliverable;
                audit.Add(actor, "legal.notice", request.Id, new { user = subject.Username, status = Undeliverable, reason = why });
                await db.SaveChangesAsync(ct);
                undeliverable++;
                continue;
            }
            var facts = new NoticeFacts(user.Username, request.Kind, request.Authority, request.Received, request.Outcome ?? RequestOutcomes.None,
                await CategoriesDisclosedAsync(request.Id, request.Outcome, ct), subject.NoticeDelayed ? request.NondisclosureUntil : null,
                options.InstanceName, links.Absolute("/manage/account/data"));
            try
            {
                await mailer.SendAsync(new OutgoingEmail(user.Id, address, NoticeText.Subject(facts), NoticeText.Body(facts), Kind), ct);
            }
            catch (MailDeliveryException)
            {
                db.ChangeTracker.Clear();
                log.LogWarning("A notice for legal request {Request} could not be sent; it stays due and is tried again by the next run", request.Id);
                failed++;
                continue;
            }
            subject.NoticeStatus = Sent;
            subject.NoticeSentAt = clock.GetUtcNow().UtcDateTime;
            audit.Add(actor, "legal.notice", request.Id, new { user = user.Username, status = Sent, delayed = subject.NoticeDelayed });
            await db.SaveChangesAsync(ct);
            sent++;
        }
        return new NoticeRun(sent, undeliverable, failed);
    }

    /// <summary>The categories in which the last package produced held records, when the request ended with something sent.</summary>
    public async Task<IReadOnlyList<string>> CategoriesDisclosedAsync(long requestId, string? outcome, CancellationToken ct)
    {
        if (outcome is null || !RequestOutcomes.DisclosedSomething(outcome)) return [];
        var last = await db.Disclosures.AsNoTracking().Where(d => d.LegalRequestId == requestId).OrderByDescending(d => d.Id)
            .Select(d => d.CountsJson).FirstOrDefaultAsync(ct);
        return last is null ? [] : CategoriesWithRows(last);
    }

    /// <summary>From a disclosure's counts (username → category → rows): the categories with any row, in package order.
    /// A category that only made a statement (payment, or nothing held) disclosed no records.</summary>
    public static IReadOnlyList<string> CategoriesWithRows(string countsJson)
    {
        var counts = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long>>>(countsJson) ?? [];
        return Categories.Keys.Where(k => counts.Values.Any(c => c.GetValueOrDefault(k) > 0)).ToList();
    }
}
