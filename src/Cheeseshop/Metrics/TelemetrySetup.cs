using Cheeseshop.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cheeseshop.Metrics;

/// <summary>
/// OpenTelemetry for the server: metrics exported at /metrics in Prometheus text format when
/// Metrics:Enabled or Metrics:Urls say so, traces sent over OTLP when the standard
/// OTEL_EXPORTER_OTLP_ENDPOINT variable is set. With neither, nothing listens to any instrument.
/// </summary>
public static class TelemetrySetup
{
    public const string Path = "/metrics";

    /// <summary>The meters exported. Kestrel's own are left out: their tags carry addresses.</summary>
    private static readonly string[] Meters =
    [
        CheeseshopMetrics.MeterName,
        Downloads.DownloadQueue.MeterName,
        "Microsoft.AspNetCore.Hosting",     // http.server.request.duration by route template and status
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Runtime",                   // memory, GC, thread pool
    ];

    /// <summary>Trace attributes that may carry names (a path holds a project or user name) or describe a
    /// client; the span keeps the route template instead.</summary>
    private static readonly string[] DroppedSpanTags = ["url.path", "url.query", "user_agent.original", "client.address", "client.port"];

    public static IServiceCollection AddCheeseshopTelemetry(this IServiceCollection services)
    {
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("cheeseshop"));
        // The exporter is registered always (it costs nothing unread); the meters only when /metrics is served,
        // which the bound settings decide once the container exists.
        telemetry.WithMetrics(m =>
        {
            m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
            {
                if (sp.GetRequiredService<MetricsOptions>().Collecting) b.AddMeter(Meters);
            });
        });
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments(Path);
                    o.EnrichWithHttpResponse = (activity, _) =>
                    {
                        foreach (var tag in DroppedSpanTags) activity.SetTag(tag, null);
                    };
                })
                .AddOtlpExporter());
        }
        return services;
    }

    /// <summary>
    /// Serves /metrics: on the main address when Metrics:Enabled, or on the Metrics:Urls addresses only
    /// (which then answer nothing else). Call before any other middleware, so a scrape on its own address
    /// goes through nothing else.
    /// </summary>
    public static void UseCheeseshopMetrics(this WebApplication app, string mainUrls)
    {
        var options = app.Services.GetRequiredService<MetricsOptions>();
        if (!options.Collecting) return;
        app.Services.GetRequiredService<StateGauges>();
        var own = options.Addresses.Select(a => a.Port).ToHashSet();
        if (own.Count == 0)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(ctx => ctx.Request.Path == Path);
            return;
        }
        var main = mainUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (main.Select(u => Uri.TryCreate(u.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var uri) ? uri.Port : -1)
            .FirstOrDefault(own.Contains, -1) is var clash and >= 0)
            throw new InvalidSettingsException($"Metrics__Urls: port {clash} is also the server's own (--urls); give /metrics a port of its own.", null!);
        foreach (var url in main.Concat(options.Addresses.Select(a => a.Url))) app.Urls.Add(url);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(ctx => ctx.Request.Path == Path && own.Contains(ctx.Connection.LocalPort));
        app.Use((ctx, next) =>
        {
            if (!own.Contains(ctx.Connection.LocalPort)) return next(ctx);
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return ctx.Response.WriteAsync($"Only {Path} is served on this address.\n");
        });
    }
}

public static class MetricsServices
{
    /// <summary>The instruments and their settings, for the server and the admin verbs alike.</summary>
    public static IServiceCollection AddCheeseshopMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSettings<MetricsOptions>(configuration.GetSection(MetricsOptions.Section));
        services.AddSingleton<CheeseshopMetrics>();
        services.AddSingleton<StateGauges>();
        return services;
    }
}
