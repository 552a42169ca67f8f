using Cheeseshop.Api;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Jobs;

/// <summary>
/// Follows the journal so that changes made by other nodes, or by the CLI on this machine, reach this
/// node's page cache. The serial decides what is fresh: every journal row past the last one seen names
/// a project whose pages are dropped. Changes made by this node are dropped at once, without waiting.
/// </summary>
public sealed class JournalWatcher(IServiceScopeFactory scopes, PageCache cache, CheeseshopOptions options, ILogger<JournalWatcher> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long lastSeen = -1;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.JournalPollMilliseconds));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
                if (lastSeen < 0)
                {
                    lastSeen = await db.Journals.MaxAsync(j => (long?)j.Id, stoppingToken) ?? 0;
                    continue;
                }
                var changes = await db.Journals.AsNoTracking().Where(j => j.Id > lastSeen).OrderBy(j => j.Id)
                    .Select(j => new { j.Id, j.Name }).Take(10_000).ToListAsync(stoppingToken);
                if (changes.Count == 0) continue;
                if (changes.Count == 10_000) cache.InvalidateAll();
                else foreach (var name in changes.Select(c => Core.Packaging.ProjectName.Normalize(c.Name)).Distinct()) cache.Invalidate(name);
                lastSeen = changes[^1].Id;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "Reading the journal failed; cached pages may be stale until the next poll");
                cache.InvalidateAll();
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
