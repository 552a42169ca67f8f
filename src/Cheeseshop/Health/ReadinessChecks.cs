using System.Security.Cryptography;
using Cheeseshop.Core.Health;
using Cheeseshop.Data;
using Cheeseshop.Downloads;
using Cheeseshop.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cheeseshop.Health;

/// <summary>
/// What a failed check says: the description is served to anyone who asks /health/ready, so it is the
/// check's own words; the exception (which may name hosts or paths) goes only to the server's log and to
/// `cheeseshop doctor`, along with what to do about it.
/// </summary>
internal static class Outcome
{
    public const string FixKey = "fix";

    public static HealthCheckResult Failed(string description, string fix, Exception? e = null) =>
        HealthCheckResult.Unhealthy(description, e, new Dictionary<string, object> { [FixKey] = fix });
}

/// <summary>`database`: a new connection reads, and every migration the code knows is applied.</summary>
public sealed class DatabaseHealthCheck(CheeseshopDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        try
        {
            await db.ProbeAsync(ct);
            var pending = await db.PendingMigrationsAsync(ct);
            if (pending.Count > 0)
                return Outcome.Failed($"{pending.Count} migration(s) not applied, the newest {pending[^1]}",
                    "run `cheeseshop migrate` (a server also migrates when it starts)");
            return HealthCheckResult.Healthy("a new connection reads; migrations are current");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed("a new connection cannot read the database",
                "make the database reachable: Database__PostgreSQL's server and database, or DataDir/cheeseshop.db present and readable", e);
        }
    }
}

/// <summary>`storage`: a small probe object is written, read back, compared and removed through the file store
/// the server uses, local folder or bucket.</summary>
public sealed class StorageHealthCheck(IFileStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        // A name of its own for each run: nodes sharing a bucket never read each other's probe. The name fits
        // no file's layout (three folders of hash digits, then a filename), so the file endpoint never serves it.
        var probePath = $".health/{Guid.NewGuid():N}.probe";
        var content = RandomNumberGenerator.GetBytes(32);
        try
        {
            await store.PutBytesAsync(probePath, content, ct);
            var stored = await store.OpenAsync(probePath, ct)
                         ?? throw new IOException("the probe object just written is not there");
            var read = new byte[content.Length + 1];
            int total = 0, n;
            await using (var stream = stored.OpenRead())
                while (total < read.Length && (n = await stream.ReadAsync(read.AsMemory(total), ct)) > 0) total += n;
            if (!read.AsSpan(0, total).SequenceEqual(content))
                throw new IOException($"the probe object read back differs from what was written ({total} bytes for {content.Length})");
            await store.DeleteAsync(probePath, ct);
            return HealthCheckResult.Healthy("a probe object was written, read back and removed");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed("the file store cannot write and read back a probe object",
                "make the file store reachable and writable: DataDir/files, or the Storage__S3__* bucket and its keys", e);
        }
    }
}

/// <summary>`downloads`: the writer that moves download events into the database is running and the batch in
/// hand, if any, has not been stuck past its flush interval plus a grace period.</summary>
public sealed class DownloadsHealthCheck(DownloadWriter writer, DownloadQueue queue, DownloadsOptions options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (!writer.Started)
            return Task.FromResult(HealthCheckResult.Healthy("the download writer runs inside `cheeseshop serve`, not in this process"));
        if (!writer.IsRunning)
            return Task.FromResult(Outcome.Failed("the download writer has stopped", "restart the server; its log says why the writer ended"));
        var taken = writer.BatchTakenAt;
        var now = clock.GetUtcNow();
        if (HealthRules.WriterStuck(taken, now, TimeSpan.FromMilliseconds(options.FlushMilliseconds)))
            return Task.FromResult(Outcome.Failed(
                $"a batch of download events taken {(now - taken!.Value).TotalSeconds:0} s ago is not written; {queue.Count} event(s) wait",
                "the server's log names the failing write (usually the database)"));
        return Task.FromResult(HealthCheckResult.Healthy($"{queue.Count} event(s) waiting, {queue.Written} written, {queue.Dropped} dropped since start"));
    }
}
