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
        var report = await scope.ServiceProvider.GetRequiredService<DownloadRollup>().RunAsync(DateTime.UtcNow, earliest, CancellationToken.None);
        Console.WriteLine($"rollup: {report.Events} events over {report.Days?.Days} days into {report.Rows} daily rows in {report.Took.TotalSeconds:F1} s = {report.Events / report.Took.TotalSeconds:N0} events/s");
    }
}
