using System.Text.Json;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/retention: the retention policy in force (the rules `retention show` prints) and the counts of
/// the last runs.</summary>
public sealed class RetentionModel(CheeseshopDb db, RetentionService retention) : AdminPageModel
{
    public const int RunsShown = 10;

    public sealed record Run(DateTime StartedAt, DateTime AsOf, bool DryRun, string Actor, IReadOnlyDictionary<string, long> Counts);

    public IReadOnlyList<RetentionRule> Rules => retention.Rules;
    public List<Run> Runs { get; private set; } = [];

    protected override async Task LoadAsync()
    {
        var rows = await db.RetentionRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(RunsShown).ToListAsync(Ct);
        Runs = rows.Select(r => new Run(r.StartedAt, r.AsOf, r.DryRun, r.Actor,
            JsonSerializer.Deserialize<Dictionary<string, long>>(r.CountsJson) ?? [])).ToList();
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });
}
