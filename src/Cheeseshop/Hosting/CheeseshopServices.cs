using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Backup;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Disclosure;
using Cheeseshop.Downloads;
using Cheeseshop.Health;
using Cheeseshop.Index;
using Cheeseshop.Metrics;
using Cheeseshop.Privacy;
using Cheeseshop.RateLimits;
using Cheeseshop.Projects;
using Cheeseshop.Upstream;
using Cheeseshop.Storage;
using Cheeseshop.TrustedPublishing;
using Cheeseshop.Upload;
using Cheeseshop.Xmlrpc;

namespace Cheeseshop.Hosting;

public static class CheeseshopServices
{
    /// <summary>
    /// Everything the server and the admin verbs share: settings, database, storage, rules. Every section
    /// of <paramref name="configuration"/> is bound here or in the feature registrations it calls, once;
    /// choices that depend on a setting (database, file store, mail transport) are made when the service
    /// is first resolved, from the bound settings.
    /// </summary>
    public static IServiceCollection AddCheeseshop(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<CheeseshopOptions>(configuration);
        services.AddSingleton(sp => new DataDirectory(sp.GetRequiredService<CheeseshopOptions>().DataDir));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StepReporter>();
        services.AddCheeseshopDatabase();
        services.AddSingleton(sp => IpHashKey.Load(sp.GetRequiredService<CheeseshopOptions>(), sp.GetRequiredService<DataDirectory>()));
        services.AddSingleton(sp => MaxMindCountryLookup.Open(sp.GetRequiredService<CheeseshopOptions>().GeoIpDatabase,
            sp.GetRequiredService<DataDirectory>().Root, sp.GetService<ILoggerFactory>()?.CreateLogger("Cheeseshop.Privacy")));
        // The client of the current request; the CLI has none, so its actions record no address.
        services.AddScoped<CurrentRequest>();
        services.AddScoped(sp => sp.GetRequiredService<CurrentRequest>().Context is { } ctx ? ClientInfo.From(ctx) : new ClientInfo());
        services.AddScoped<EventRecorder>();
        services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<CheeseshopOptions>().Storage is { UsesS3: true } storage
            ? new S3FileStore(storage.S3)
            : new LocalFileStore(sp.GetRequiredService<DataDirectory>()));
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton<PageCache>();
        services.AddSettings<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddSettings<AccessOptions>(configuration.GetSection(AccessOptions.Section));
        services.AddSingleton<ReadCredentialCache>();
        services.AddScoped<BasicAuthenticator>();
        services.AddScoped<IndexWriter>();
        services.AddScoped<Integrity.IntegrityCheck>();
        services.AddScoped<UploadService>();
        services.AddScoped<ReleaseAdmin>();
        services.AddScoped<Cheeseshop.Admin.AccountAdmin>();
        services.AddScoped<XmlRpcMethods>();
        services.AddRetention();
        services.AddDownloads(configuration);
        services.AddCheeseshopRateLimits(configuration);
        services.AddAccounts(configuration);
        services.AddDisclosure(configuration);
        services.AddProjects(configuration);
        services.AddUpstream(configuration);
        services.AddCheeseshopHealth();
        services.AddTrustedPublishing(configuration);
        Sso.SsoServices.AddSingleSignOn(services, configuration);
        services.AddCheeseshopMetrics(configuration);
        services.AddBackup();
        services.AddScoped<Import.ImportService>();
        services.AddScoped<Import.MirrorService>();
        return services;
    }
}
