using Cheeseshop.Core.Downloads;
using Cheeseshop.Index;

namespace Cheeseshop.Downloads;

/// <summary>
/// pypistats.org's JSON API on this index: /api/packages/{project}/recent|overall|python_major|
/// python_minor|system, plus installer, country and version. Same paths, parameters and bodies, so a
/// script written for pypistats works by changing the host. Errors are JSON with a message.
/// </summary>
public static class DownloadStatsEndpoints
{
    public static void MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/packages/{project}/{statistic}", ServeAsync);
    }

    private static async Task ServeAsync(HttpContext ctx, string project, string statistic, DownloadStatsQuery stats, TimeProvider clock)
    {
        PageResults.Cors(ctx);
        StatsBreakdown? breakdown = null;
        if (statistic != "recent")
        {
            if (!StatsBreakdowns.TryParsePath(statistic, out var b))
            {
                await ErrorAsync(ctx, 404, $"There is no statistic '{Clip(statistic)}'. Try recent, " +
                    string.Join(", ", Enum.GetValues<StatsBreakdown>().Select(x => x.PathName())) + ".");
                return;
            }
            breakdown = b;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!StatsParameters.TryParse(breakdown, name => ctx.Request.Query[name].Select(v => v ?? "").ToList(), today, out var query, out var error))
        {
            await ErrorAsync(ctx, 400, error!);
            return;
        }
        var found = await stats.FindProjectAsync(project, ctx.RequestAborted);
        if (found is null)
        {
            await ErrorAsync(ctx, 404, $"There is no project named '{Clip(project)}' on this index.");
            return;
        }

        byte[] body;
        if (breakdown is { } which)
        {
            var rows = await stats.RowsAsync(found, which, query!.Range, ctx.RequestAborted);
            body = PypistatsJson.Series(found.Name, which, StatsSeries.Build(which, rows, query.Filter));
        }
        else
        {
            body = PypistatsJson.Recent(found.Name, await stats.RecentAsync(found, today, ctx.RequestAborted), query!.Period);
        }
        // Aggregates change when the rollup runs (hourly by default): a few minutes of caching is honest.
        ctx.Response.Headers.CacheControl = "public, max-age=300";
        await WriteAsync(ctx, 200, body);
    }

    private static Task ErrorAsync(HttpContext ctx, int status, string message) =>
        WriteAsync(ctx, status, PypistatsJson.Error(status, message));

    private static async Task WriteAsync(HttpContext ctx, int status, byte[] body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
