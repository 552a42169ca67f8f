using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>
/// A user's copy of everything held about them: the same package a legal request gets (all nine
/// categories, the whole history, kind data-subject), recorded as a request, closed at once and counted
/// in the transparency report; the user gets a notice, which also warns them if someone else did it.
/// From the account page at most once a day; an administrator can run it at any time.
/// </summary>
public sealed class DataExportService(
    CheeseshopDb db, LegalRequestService requests, DisclosureProducer producer, LegalAudit audit, TimeProvider clock)
{
    public static readonly TimeSpan SelfServiceInterval = TimeSpan.FromDays(1);

    /// <summary>When the account may next download its data by itself; null: now.</summary>
    public async Task<DateTime?> NextSelfServiceAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var last = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.LastSelfExportAt).FirstOrDefaultAsync(ct);
        return last is { } t && t + SelfServiceInterval > now ? t + SelfServiceInterval : null;
    }

    /// <summary>
    /// Takes the account's one self-service export of the day, or returns false when it was taken. One
    /// conditional UPDATE decides: SQLite runs one writer at a time, and PostgreSQL makes a second
    /// concurrent update wait for the first and re-check its condition against the row the first wrote, so
    /// of two simultaneous clicks exactly one passes. A failed production still uses the day's export (it
    /// is recorded as a request answered with nothing), as before.
    /// </summary>
    public async Task<bool> TryClaimSelfServiceAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - SelfServiceInterval;
        var claimed = await db.Users.Where(u => u.Id == userId && (u.LastSelfExportAt == null || u.LastSelfExportAt <= since))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSelfExportAt, now), ct);
        return claimed == 1;
    }

    /// <param name="origin">LegalRequestService.FromSelfService or FromAdminExport.</param>
    public async Task<ProductionResult> ExportAsync(string username, string outPath, DateTime? asOf, bool force, string origin, string actor, CancellationToken ct)
    {
        DisclosureProducer.CheckOutPath(outPath, force);
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var draft = new LegalRequestDraft(RequestKinds.DataSubject, "the account holder",
            origin == LegalRequestService.FromSelfService ? "download from the account page" : "users export by an administrator",
            today, today, [username], null, null, Core.Disclosure.Categories.Keys, null, null);
        var request = await requests.CreateAsync(draft, origin, actor, ct);
        ProductionResult result;
        try
        {
            result = await producer.ProduceAsync(request.Id, outPath, asOf, force, actor, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request stays on record (it was made), closed as answered with nothing.
            db.ChangeTracker.Clear();
            await requests.CloseAsync(request.Id, RequestOutcomes.None, "the package could not be produced: " + e.Message, actor, CancellationToken.None);
            throw;
        }
        audit.Add(actor, "legal.export", request.Id, new { user = username, origin, sha256 = result.Sha256 });
        await db.SaveChangesAsync(ct);
        await requests.CloseAsync(request.Id, RequestOutcomes.Produced, null, actor, ct);
        return result;
    }

    /// <summary>The username an export names, checked before anything is written.</summary>
    public async Task<string> RequireUsernameAsync(string? username, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(username?.Trim() ?? "");
        var name = await db.Users.AsNoTracking().Where(u => u.NormalizedUsername == normalized && normalized != Usernames.Tombstone)
            .Select(u => u.Username).FirstOrDefaultAsync(ct);
        return name ?? throw new DisclosureInputException($"There is no user named '{username}'.");
    }
}
