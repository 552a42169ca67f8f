using System.Text.Json;
using Cheeseshop.Configuration;
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
public sealed class RetentionService(CheeseshopDb db, IEnumerable<IRetentionTask> tasks, CheeseshopOptions options, ILogger<RetentionService> log)
{
    /// <summary>Events go before the addresses they point at, so an address freed by them goes in the same run;
    /// sealed accounts go first, so their events and addresses follow in the same run.</summary>
    private static readonly string[] Order =
    [
        RetentionPolicy.DeletedHeldAccounts,
        RetentionPolicy.LoginFailureEvents, RetentionPolicy.UserEvents, RetentionPolicy.ProjectEvents,
        RetentionPolicy.SentEmail, RetentionPolicy.UnverifiedAccounts, RetentionPolicy.ExpiredInvitations,
        RetentionPolicy.DownloadEvents, RetentionPolicy.RawIpAddress, RetentionPolicy.UnreferencedIpAddress,
        RetentionPolicy.RetentionRuns, RetentionPolicy.LegalRequests, RetentionPolicy.AdminAudit,
    ];

    public IReadOnlyList<RetentionRule> Rules => RetentionPolicy.Configure(options.Retention);

    public async Task<RetentionReport> RunAsync(DateTime asOf, bool dryRun, string actor, CancellationToken ct)
    {
        var rules = Rules;
        var byKey = tasks.ToDictionary(t => t.Key);
        var counts = new List<(string, long)>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var context = new RetentionContext(db, asOf, dryRun, await HeldSubjects.LoadAsync(db, asOf, ct), rules);
            foreach (var key in Order)
            {
                if (!byKey.TryGetValue(key, out var task) || context.Cutoff(key) is null) continue;
                counts.Add((key, await task.ApplyAsync(context, ct)));
            }
            var countsJson = JsonSerializer.Serialize(counts.ToDictionary(c => c.Item1, c => c.Item2));
            db.RetentionRuns.Add(new RetentionRun { StartedAt = DateTime.UtcNow, AsOf = asOf, DryRun = dryRun, Actor = actor, CountsJson = countsJson });
            db.AdminAudit.Add(new AdminAuditEntry { Time = DateTime.UtcNow, Actor = actor, Action = dryRun ? "retention.dry-run" : "retention.run", DetailsJson = countsJson });
            await db.SaveChangesAsync(ct);
            if (dryRun) await tx.RollbackAsync(ct); // a dry run changes nothing, not even its own record
            else await tx.CommitAsync(ct);
        }
        if (!dryRun) await db.PurgeErasedAsync(log, ct);
        log.LogInformation("Retention {Mode} as of {AsOf:O}: {Counts}", dryRun ? "dry run" : "run", asOf,
            string.Join(", ", counts.Select(c => $"{c.Item1}={c.Item2}")));
        return new RetentionReport(asOf, dryRun, counts);
    }
}
