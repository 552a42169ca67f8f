using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>Everything `legal show` prints about one request.</summary>
public sealed record LegalRequestDetails(
    LegalRequest Request, IReadOnlyList<LegalHold> Holds, IReadOnlyList<DisclosureRecord> Disclosures, IReadOnlyList<AdminAuditEntry> Audit);

/// <summary>
/// Records, lists, shows and closes legal requests. Recording a request from an authority places a
/// legal hold (linked to the request) on every subject in the same transaction, so retention keeps
/// their records from that moment; closing releases exactly those holds (another open request's hold
/// on the same account stays) and schedules each subject's notice.
/// </summary>
public sealed class LegalRequestService(
    CheeseshopDb db, LegalHoldService holds, LegalAudit audit, LegalNoticeService notices, TimeProvider clock)
{
    /// <summary>Origins: who recorded the request.</summary>
    public const string FromOperator = "operator";
    public const string FromAdminExport = "admin-export";
    public const string FromSelfService = "self-service";

    /// <summary>A hold placed by a request lasts until the request is closed; the date only has to be later than any close.</summary>
    public static readonly DateTime HoldUntilClosed = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private DateTime CurrentTime => clock.GetUtcNow().UtcDateTime;

    public async Task<LegalRequest> CreateAsync(LegalRequestDraft draft, string origin, string actor, CancellationToken ct)
    {
        // Every subject must exist before anything is written.
        var users = new List<User>();
        var unknown = new List<string>();
        foreach (var name in draft.Subjects)
        {
            var user = Usernames.Normalize(name) == Usernames.Normalize(Usernames.Tombstone) ? null
                : await db.FindForOperatorAsync(name, ct);
            if (user is null) unknown.Add(name);
            else users.Add(user);
        }
        if (unknown.Count > 0)
            throw new DisclosureInputException(string.Join("\n", unknown.Select(n => $"--subject '{n}': there is no user with this username.")));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = new LegalRequest
        {
            Kind = draft.Kind, Authority = draft.Authority, Reference = draft.Reference, Received = draft.Received, Due = draft.Due,
            ScopeFrom = draft.ScopeFrom, ScopeTo = draft.ScopeTo, Categories = Categories.Join(draft.Categories),
            NondisclosureUntil = draft.NondisclosureUntil, Note = draft.Note, Origin = origin, CreatedBy = actor, Created = CurrentTime,
        };
        request.Subjects.AddRange(users.Select(u => new LegalRequestSubject { UserId = u.Id, Username = u.Username }));
        db.LegalRequests.Add(request);
        await db.SaveChangesAsync(ct);
        audit.Add(actor, "legal.create", request.Id, new
        {
            kind = request.Kind, authority = request.Authority, reference = request.Reference,
            received = LegalDates.Date(request.Received), due = LegalDates.Date(request.Due),
            subjects = users.Select(u => u.Username).ToList(), categories = request.Categories,
            from = request.ScopeFrom, to = request.ScopeTo, nondisclosure_until = request.NondisclosureUntil, origin,
        });
        if (RequestKinds.PlacesHold(request.Kind))
        {
            foreach (var user in users)
            {
                var hold = await holds.CreateAsync(user.Username, null, HoldUntilClosed,
                    $"legal request {request.Id}: {request.Kind} from {request.Authority} ({request.Reference})", actor, request.Id, ct);
                audit.Add(actor, "legal.hold", request.Id, new { hold_id = hold.Id, user = user.Username });
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request;
    }

    public async Task<List<LegalRequest>> ListAsync(bool openOnly, string actor, CancellationToken ct)
    {
        var q = db.LegalRequests.AsNoTracking().Include(r => r.Subjects).AsQueryable();
        if (openOnly) q = q.Where(r => r.ClosedAt == null);
        var rows = await q.OrderBy(r => r.Id).ToListAsync(ct);
        audit.Add(actor, "legal.list", null, new { open_only = openOnly, requests = rows.Count });
        await db.SaveChangesAsync(ct);
        return rows;
    }

    public async Task<LegalRequestDetails> ShowAsync(long id, string actor, CancellationToken ct)
    {
        var request = await RequireAsync(id, ct);
        // The look is itself recorded, and the trail printed includes it.
        audit.Add(actor, "legal.show", id, new { });
        await db.SaveChangesAsync(ct);
        var requestHolds = await db.LegalHolds.AsNoTracking().Where(h => h.LegalRequestId == id).OrderBy(h => h.Id).ToListAsync(ct);
        var disclosures = await db.Disclosures.AsNoTracking().Where(d => d.LegalRequestId == id).OrderBy(d => d.Id).ToListAsync(ct);
        return new LegalRequestDetails(request, requestHolds, disclosures, await audit.TrailAsync(id, ct));
    }

    /// <summary>
    /// Closes the request: releases its holds and schedules each subject's notice for now, or for the day
    /// a nondisclosure order ends; notices due now are sent at once (a failed send waits for the daily job).
    /// </summary>
    public async Task<LegalRequest> CloseAsync(long id, string outcome, string? note, string actor, CancellationToken ct)
    {
        outcome = RequestOutcomes.Parse(outcome);
        var now = CurrentTime;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var request = await db.LegalRequests.Include(r => r.Subjects).FirstOrDefaultAsync(r => r.Id == id, ct)
                          ?? throw new DisclosureInputException($"There is no legal request {id}.");
            if (request.ClosedAt is { } closed)
                throw new DisclosureInputException($"Request {id} was already closed on {LegalDates.Short(closed)} ({request.Outcome}).");
            if (RequestOutcomes.DisclosedSomething(outcome) && !await db.Disclosures.AnyAsync(d => d.LegalRequestId == id, ct))
                throw new DisclosureInputException(
                    $"--outcome {outcome} says records were sent, but no package was produced for request {id}. " +
                    $"Run `legal produce {id} --out FILE.zip` first, or close with --outcome none or withdrawn.");

            request.ClosedAt = now;
            request.ClosedBy = actor;
            request.Outcome = outcome;
            request.CloseNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            var delayed = request.NondisclosureUntil is { } until && until > now;
            foreach (var subject in request.Subjects)
            {
                subject.NoticeStatus = LegalNoticeService.Waiting;
                subject.NoticeDue = delayed ? request.NondisclosureUntil : now;
                subject.NoticeDelayed = delayed;
            }
            audit.Add(actor, "legal.close", id, new { outcome, note = request.CloseNote, notices_wait_until = delayed ? request.NondisclosureUntil : null });
            await db.SaveChangesAsync(ct);

            foreach (var hold in await db.LegalHolds.Where(h => h.LegalRequestId == id && h.ReleasedAt == null).Select(h => h.Id).ToListAsync(ct))
            {
                var released = await holds.ReleaseAsync(hold, actor, ct);
                audit.Add(actor, "legal.release", id, new { hold_id = hold, subject = released.SubjectName });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await notices.SendDueAsync(now, id, actor, ct);
        return await RequireAsync(id, ct);
    }

    public async Task<LegalRequest> RequireAsync(long id, CancellationToken ct) =>
        await db.LegalRequests.AsNoTracking().Include(r => r.Subjects.OrderBy(s => s.Id)).FirstOrDefaultAsync(r => r.Id == id, ct)
        ?? throw new DisclosureInputException($"There is no legal request {id}.");
}
