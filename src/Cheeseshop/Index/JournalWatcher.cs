using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Index;

/// <summary>
/// Follows the journal so that changes made by other nodes, or by the CLI on this machine, reach this
/// node's page cache. The serial decides what is fresh: every journal row past the last one seen names
/// a project whose pages are dropped. Changes made by this node are dropped at once, without waiting.
/// The journal is read every poll interval, and at once when an admin command on this data directory
/// nudges (LocalServerSignal); after each read the serial applied is written back for that command,
/// which waits for it, so a command's change is served as soon as the command returns.
/// </summary>
public sealed class JournalWatcher(IServiceScopeFactory scopes, PageCache cache, CheeseshopOptions options, DataDirectory dataDir,
    TimeProvider clock, ILogger<JournalWatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signal = new LocalServerSignal(dataDir.Root, clock);
        using var serverLock = signal.HoldServerLock();
        if (serverLock is null)
            log.LogWarning("Another server holds {Folder}: admin commands will wait for that one, and this one sees their changes by polling", signal.FolderPath);
        using var wake = new SemaphoreSlim(0, 1);
        using var nudges = serverLock is null ? null : WatchNudges(signal, wake);
        var interval = TimeSpan.FromMilliseconds(options.JournalPollMilliseconds);
        long lastSeen = -1;
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
                if (lastSeen < 0)
                {
                    lastSeen = await db.Journals.MaxAsync(j => (long?)j.Id, stoppingToken) ?? 0;
                    if (serverLock is not null) signal.WriteSeen(lastSeen);
                    continue;
                }
                var changes = await db.Journals.AsNoTracking().Where(j => j.Id > lastSeen).OrderBy(j => j.Id)
                    .Select(j => new { j.Id, j.Name }).Take(10_000).ToListAsync(stoppingToken);
                if (changes.Count == 0) continue;
                if (changes.Count == 10_000) cache.InvalidateAll();
                else foreach (var name in changes.Select(c => Core.Packaging.ProjectName.Normalize(c.Name)).Distinct()) cache.Invalidate(name);
                lastSeen = changes[^1].Id;
                // Only after the pages are dropped: a waiting command may return now.
                if (serverLock is not null) signal.WriteSeen(lastSeen);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "Reading the journal failed; cached pages may be stale until the next poll");
                cache.InvalidateAll();
            }
        } while (await WaitAsync(wake, interval, stoppingToken));
    }

    /// <summary>The next poll: after the interval, or at once on a nudge. False when the server stops.</summary>
    private static async Task<bool> WaitAsync(SemaphoreSlim wake, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            await wake.WaitAsync(interval, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private FileSystemWatcher WatchNudges(LocalServerSignal signal, SemaphoreSlim wake)
    {
        var watcher = new FileSystemWatcher(signal.FolderPath, Path.GetFileName(signal.NudgePath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
        };
        void Wake(object? sender, FileSystemEventArgs e)
        {
            try { wake.Release(); }
            catch (SemaphoreFullException) { } // a poll is already due
            catch (ObjectDisposedException) { } // the server is stopping
        }
        watcher.Changed += Wake;
        watcher.Created += Wake;
        watcher.Renamed += (sender, e) => Wake(sender, e);
        watcher.Error += (_, e) => log.LogWarning(e.GetException(), "Watching for admin commands' nudges failed; their changes arrive by polling");
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
