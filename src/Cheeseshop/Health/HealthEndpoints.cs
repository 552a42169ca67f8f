using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cheeseshop.Health;

/// <summary>
/// The health checks, registered once for the server and `cheeseshop doctor`, and the endpoints that serve
/// them: /health/live (the process answers), /health/ready (each check, 503 when one fails) and /health
/// (plain "ok", as load balancers configured for it expect). None needs credentials.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>Each check gives up after this long and counts as failed: a database or bucket that does not
    /// answer must not hold a readiness probe (and the proxy's health check) open.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddCheeseshopHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<DownloadsHealthCheck>("downloads", tags: [ReadyTag], timeout: CheckTimeout);
        services.AddSingleton<ReadinessProbe>();
        return services;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteAsync,
        });
        app.MapGet("/health/ready", async (HttpContext ctx, ReadinessProbe probe) =>
        {
            var report = await probe.CheckAsync(ctx.RequestAborted);
            ctx.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            await WriteAsync(ctx, report);
        });
        return app;
    }

    /// <summary>{"status": ..., "duration_ms": ..., "checks": {name: {status, duration_ms, description}}}.</summary>
    private static async Task WriteAsync(HttpContext ctx, HealthReport report)
    {
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                if (entry.Description is { } description) json.WriteString("description", description);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        ctx.Response.ContentLength = buffer.Length;
        await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}

/// <summary>
/// Runs the readiness checks for /health/ready. Each run opens a database connection and writes to the
/// store, and the endpoint takes no credentials: so one run at a time, whose result every request within
/// <see cref="Reuse"/> of it shares, however many requests come.
/// </summary>
public sealed class ReadinessProbe(HealthCheckService checks, TimeProvider clock)
{
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Cached? _last;

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        if (Fresh() is { } cached) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh() is { } shared) return shared;
            // Not the request's token: a client that hangs up must not turn a run others wait for into a failure.
            var report = await checks.CheckHealthAsync(r => r.Tags.Contains(HealthEndpoints.ReadyTag), CancellationToken.None);
            _last = new Cached(report, clock.GetUtcNow());
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Cached(HealthReport Report, DateTimeOffset At);

    private HealthReport? Fresh() =>
        _last is { } last && clock.GetUtcNow() - last.At < Reuse ? last.Report : null;
}
