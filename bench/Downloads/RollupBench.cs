using Cheeseshop.Downloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Bench.Downloads;

/// <summary>A rollup of every day that has events, from scratch, as the first run on a full database does.</summary>
public static class RollupBench
{
    public static async Task RunAsync(string dataDir)
    {
        await using var services = await Seeding.ServicesAsync(dataDir);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Cheeseshop.Data.CheeseshopDb>();
        var earliest = DateOnly.FromDateTime(await db.DownloadEvents.MinAsync(e => e.Timestamp));
        // From scratch, as the first run on a full database: no aggregates, no state.
        await db.DailyDownloads.ExecuteDeleteAsync();
        await db.DailySeries.ExecuteDeleteAsync();
        await db.DownloadRollupState.ExecuteDeleteAsync();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var report = await scope.ServiceProvider.GetRequiredService<DownloadRollup>().RunAsync(DateTime.UtcNow, earliest, CancellationToken.None);
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"rollup: {report.Events} events over {report.Days?.Days} days into {report.Rows} daily rows in {report.Took.TotalSeconds:F1} s " +
                          $"= {report.Events / report.Took.TotalSeconds:N0} events/s (this process used {cpu.TotalSeconds:F1} s of CPU; load average {File.ReadAllText("/proc/loadavg")[..14]})");
    }
}
