using System.Text.Json;
using Cheeseshop.Configuration;
using Cheeseshop.Core;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Privacy;

/// <summary>What a run did, per data class, in policy order.</summary>
public sealed record RetentionReport(DateTime AsOf, bool DryRun, IReadOnlyList<(string Key, long Rows)> Counts);

/// <summary>
/// Enforces the retention policy: every task in one transaction, then a record of the counts (never
/// the data), then, on SQLite, a WAL checkpoint so erased values leave the write-ahead log too
/// (secure_delete already zeroes freed space in the database file; see docs/privacy.md).
/// </summary>
public sealed class RetentionService(CheeseshopDb db, IEnumerable<IRetentionTask> tasks, CheeseshopOptions options, TimeProvider clock,
    Metrics.CheeseshopMetrics metrics, ILogger<RetentionService> log)
{
    public IReadOnlyList<RetentionRule> Rules => RetentionPolicy.Configure(options.Retention);

    /// <summary>Runs the tasks in the order they are registered (RetentionServices.AddRetention), which is
    /// the run order; a policy class without exactly one task stops the run before it changes anything.</summary>
    public async Task<RetentionReport> RunAsync(DateTime asOf, bool dryRun, string actor, CancellationToken ct)
    {
        var rules = Rules;
        var ordered = tasks.ToList();
        OnePerKey.Require(rules.Select(r => r.Key), ordered.Select(t => t.Key), "retention class", "retention task");
        var counts = new List<(string, long)>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var context = new RetentionContext(db, asOf, dryRun, await HeldSubjects.LoadAsync(db, asOf, ct), rules);
            foreach (var task in ordered)
            {
                if (context.Cutoff(task.Key) is null) continue;
                counts.Add((task.Key, await task.ApplyAsync(context, ct)));
            }
            var countsJson = JsonSerializer.Serialize(counts.ToDictionary(c => c.Item1, c => c.Item2));
            var now = clock.GetUtcNow().UtcDateTime;
            db.RetentionRuns.Add(new RetentionRun { StartedAt = now, AsOf = asOf, DryRun = dryRun, Actor = actor, CountsJson = countsJson });
            db.AdminAudit.Add(new AdminAuditEntry { Time = now, Actor = actor, Action = dryRun ? "retention.dry-run" : "retention.run", DetailsJson = countsJson });
            await db.SaveChangesAsync(ct);
            if (dryRun) await tx.RollbackAsync(ct); // a dry run changes nothing, not even its own record
            else await tx.CommitAsync(ct);
        }
        if (!dryRun)
        {
            await db.PurgeErasedAsync(log, ct);
            metrics.RetentionRan(counts);
        }
        log.LogInformation("Retention {Mode} as of {AsOf:O}: {Counts}", dryRun ? "dry run" : "run", asOf,
            string.Join(", ", counts.Select(c => $"{c.Item1}={c.Item2}")));
        return new RetentionReport(asOf, dryRun, counts);
    }
}
