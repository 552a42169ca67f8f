using Cheeseshop.Configuration;

namespace Cheeseshop.Downloads;

/// <summary>Registration of download statistics: one call for services, one for the web app.</summary>
public static class DownloadsServices
{
    public static IServiceCollection AddDownloads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DownloadsOptions>(configuration.GetSection(DownloadsOptions.Section));
        services.AddSingleton<DownloadQueue>();
        services.AddSingleton<DownloadRecorder>();
        services.AddSingleton<IDownloadSink, DatabaseDownloadSink>();
        // Hosted services run only in `serve`; the admin verbs build a plain provider and never start them.
        services.AddSingleton<DownloadWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DownloadWriter>());
        services.AddHostedService<DownloadRollupJob>();
        services.AddScoped<DownloadRollup>();
        services.AddScoped<DownloadStatsQuery>();
        services.AddScoped<DownloadDataSource>();
        services.AddScoped<DownloadExport>();
        return services;
    }

    /// <summary>The stats API and page, mapped on <paramref name="reads"/> (the index's read endpoints), and
    /// (when configured) the simple-page request recorder.</summary>
    public static WebApplication MapDownloadStats(this WebApplication app, IEndpointRouteBuilder reads)
    {
        if (app.Services.GetRequiredService<DownloadsOptions>().RecordSimpleRequests)
        {
            var recorder = app.Services.GetRequiredService<DownloadRecorder>();
            app.Use((ctx, next) =>
            {
                recorder.TrackSimple(ctx);
                return next(ctx);
            });
        }
        reads.MapStatsApi();
        reads.MapStatsPage();
        return app;
    }
}
