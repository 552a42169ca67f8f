using System.Net;
using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Browse;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Disclosure;
using Cheeseshop.Downloads;
using Cheeseshop.Files;
using Cheeseshop.Health;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Metrics;
using Cheeseshop.Privacy;
using Cheeseshop.Search;
using Cheeseshop.Simple;
using Cheeseshop.TrustedPublishing;
using Cheeseshop.Upload;
using Cheeseshop.Web;
using Cheeseshop.Xmlrpc;
using Cheeseshop.Upstream;
using Microsoft.AspNetCore.HttpOverrides;

namespace Cheeseshop.Hosting;

/// <summary>Builds the web server: `cheeseshop serve`.</summary>
public static class ServerHost
{
    public const string DefaultUrls = "http://127.0.0.1:8000";

    /// <summary>The server on <paramref name="configuration"/>; an invalid setting throws
    /// InvalidSettingsException before anything listens or touches the data directory.
    /// <paramref name="clock"/> replaces the system clock (tests move it instead of waiting).</summary>
    public static WebApplication Build(IConfiguration configuration, string[] aspNetArgs, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = aspNetArgs });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls(DefaultUrls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Upload limits are enforced by the upload endpoint itself, with messages that name them.
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<CheeseshopOptions>((k, options) => ApplyConnectionLimits(k.Limits, options.Connections));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Services.AddCheeseshop(configuration);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Services.AddHostedService<JournalWatcher>();
        builder.Services.AddHostedService<RetentionJob>();
        builder.Services.AddHostedService<Integrity.OrphanSweepJob>();
        builder.Services.AddHostedService<LegalNoticeJob>();
        builder.Services.AddSingleton<RequestLogWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        builder.Services.AddAccountPages();
        builder.Services.AddBrowsePages();
        builder.Services.AddCheeseshopTelemetry();
        builder.Services.AddSearch();
        builder.Services.AddScoped<Manage.ProjectManagement>();

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<CheeseshopOptions>(ConfigureProxies);
        // Keep ASP.NET's own logs free of addresses too: only our request log line describes a request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        WebApplication app = null!;
        AppConfiguration.Checked(() => app = builder.Build());
        AppConfiguration.Validate(app.Services);
        var options = app.Services.GetRequiredService<CheeseshopOptions>();
        app.UseRequestScope();
        var privateIndex = app.Services.GetRequiredService<AccessOptions>().Read == ReadAccess.Authenticated;
        if (!privateIndex) app.UseSimpleProjectRoute();
        app.UseRouting();
        AppConfiguration.Checked(() => app.UseCheeseshopMetrics(app.Configuration["urls"] ?? DefaultUrls));
        // Most requests carry no forwarding header at all (no proxy, or a cached page fetched directly):
        // they skip the middleware, which otherwise parses and compares on every request.
        app.UseWhen(ctx => ctx.Request.Headers.ContainsKey("X-Forwarded-For") || ctx.Request.Headers.ContainsKey("X-Forwarded-Proto"),
            proxied => proxied.UseForwardedHeaders());
        if (options.RequestLog) app.UseMiddleware<RequestLogMiddleware>();
        if (privateIndex) app.UseMiddleware<ReadAccessMiddleware>();
        app.UseRateLimiter();
        app.MapHealth();
        // Every endpoint that reads the index goes in this group, which a private index guards.
        var reads = app.MapReads();
        reads.MapSimple();
        reads.MapJsonApi();
        app.MapUpload();
        app.MapTrustedPublishing();
        reads.MapFiles();
        reads.MapUpstream();
        reads.MapXmlRpc();
        app.MapDownloadStats(reads);
        reads.MapBrowse();
        app.MapAccountPages();
        app.MapTransparency();
        return app;
    }

    private static void ApplyConnectionLimits(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits limits, ConnectionOptions c)
    {
        limits.MaxConcurrentConnections = c.MaxConcurrentConnections;
        // No endpoint switches a connection to another protocol (WebSockets and the like).
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(c.KeepAliveTimeoutSeconds);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(c.RequestHeadersTimeoutSeconds);
        limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(
            c.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(c.MinRequestBodyGraceSeconds));
    }

    /// <summary>X-Forwarded-For is believed only from loopback (ASP.NET's default) and the configured proxies.</summary>
    private static void ConfigureProxies(ForwardedHeadersOptions o, CheeseshopOptions options)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        o.ForwardLimit = null;
        foreach (var entry in options.TrustedProxies)
        {
            if (entry.Contains('/')) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            else o.KnownProxies.Add(IPAddress.Parse(entry));
        }
    }

    public static async Task<int> RunAsync(WebApplication app)
    {
        await DatabaseMigrator.MigrateAsync(app.Services);
        await Disclosure.InterruptedProductions.SettleAtStartAsync(app.Services);
        CleanTemp(app.Services.GetRequiredService<DataDirectory>());
        app.Logger.LogInformation("Data directory: {DataDir}", app.Services.GetRequiredService<CheeseshopOptions>().DataDir);
        await app.RunAsync();
        return 0;
    }

    /// <summary>Uploads interrupted by a crash leave temporary files, and packages produced for the admin
    /// pages their workspace folders; nothing refers to them.</summary>
    private static void CleanTemp(DataDirectory dataDir)
    {
        foreach (var f in Directory.EnumerateFiles(dataDir.TempRoot)) File.Delete(f);
        foreach (var d in Directory.EnumerateDirectories(dataDir.TempRoot)) Directory.Delete(d, recursive: true);
    }
}
