using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>Reads the recorded requests and builds the transparency report (Core.Disclosure.TransparencyReport) from them.</summary>
public sealed class TransparencyService(CheeseshopDb db, DisclosureOptions options, TimeProvider clock)
{
    public async Task<TransparencyReport> BuildAsync(HalfYear? period, DateTime? asOf, CancellationToken ct)
    {
        var q = db.LegalRequests.AsNoTracking();
        if (period is { } p) q = q.Where(r => r.Received >= p.Start && r.Received < p.End);
        var requests = await q.OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.Kind, r.Authority, r.Received, r.ClosedAt, r.Outcome, r.NondisclosureUntil }).ToListAsync(ct);
        var ids = requests.Select(r => r.Id).ToList();
        var subjects = (await db.LegalRequestSubjects.AsNoTracking().Where(s => ids.Contains(s.LegalRequestId))
                .Select(s => new { s.LegalRequestId, s.Id, s.UserId, s.NoticeStatus, s.NoticeDelayed }).ToListAsync(ct))
            .ToLookup(s => s.LegalRequestId);
        var lastCategories = (await db.Disclosures.AsNoTracking().Where(d => ids.Contains(d.LegalRequestId))
                .OrderBy(d => d.Id).Select(d => new { d.LegalRequestId, d.CountsJson }).ToListAsync(ct))
            .GroupBy(d => d.LegalRequestId).ToDictionary(g => g.Key, g => g.Last().CountsJson);

        var rows = requests.Select(r =>
        {
            var s = subjects[r.Id].ToList();
            var disclosed = r.Outcome is { } o && RequestOutcomes.DisclosedSomething(o) && lastCategories.TryGetValue(r.Id, out var c)
                ? LegalNoticeService.CategoriesWithRows(c) : [];
            return new TransparencyRequest(r.Id, r.Kind, r.Authority, r.Received, r.ClosedAt, r.Outcome, r.NondisclosureUntil,
                // An account erased since still counts once, by its subject row.
                s.Select(x => x.UserId?.ToString() ?? $"subject:{x.Id}").ToList(),
                s.Count(x => x.NoticeStatus == LegalNoticeService.Sent), s.Count(x => x.NoticeDelayed), disclosed);
        });
        return TransparencyReport.Build(rows, asOf ?? clock.GetUtcNow().UtcDateTime, period, options.InstanceName);
    }
}
