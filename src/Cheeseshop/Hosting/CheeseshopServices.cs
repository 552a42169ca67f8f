using Cheeseshop.Accounts;
using Cheeseshop.Api;
using Cheeseshop.Api.Xmlrpc;
using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Downloads;
using Cheeseshop.Disclosure;
using Cheeseshop.Index;
using Cheeseshop.Privacy;
using Cheeseshop.Storage;

namespace Cheeseshop.Hosting;

public static class CheeseshopServices
{
    /// <summary>The retention policy's tasks, one per data class, and the services that use them.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddScoped<IRetentionTask, RawIpAddressRetention>();
        services.AddScoped<IRetentionTask, UnreferencedIpAddressRetention>();
        services.AddScoped<IRetentionTask, LoginFailureRetention>();
        services.AddScoped<IRetentionTask, UserEventRetention>();
        services.AddScoped<IRetentionTask, ProjectEventRetention>();
        services.AddScoped<IRetentionTask, SentEmailRetention>();
        services.AddScoped<IRetentionTask, UnverifiedAccountRetention>();
        services.AddScoped<IRetentionTask, ExpiredInvitationRetention>();
        services.AddScoped<IRetentionTask, RetentionRunRetention>();
        services.AddScoped<IRetentionTask, AdminAuditRetention>();
        services.AddScoped<IRetentionTask, SealedAccountRetention>();
        services.AddScoped<IRetentionTask, LegalRequestRetention>();
        services.AddScoped<RetentionService>();
        services.AddScoped<LegalHoldService>();
        return services;
    }

    /// <summary>Everything the server and the admin verbs share: configuration, database, storage, rules.</summary>
    public static IServiceCollection AddCheeseshop(this IServiceCollection services, CheeseshopOptions options)
    {
        var dataDir = new DataDirectory(options.DataDir);
        services.AddSingleton(options);
        services.AddSingleton(dataDir);
        services.AddSingleton(TimeProvider.System);
        services.AddCheeseshopDatabase(options, dataDir);
        services.AddSingleton(IpHashKey.Load(options, dataDir));
        services.AddSingleton(sp => Privacy.MaxMindCountryLookup.Open(options.GeoIpDatabase, dataDir.Root,
            sp.GetService<ILoggerFactory>()?.CreateLogger("Cheeseshop.Privacy")));
        // The client of the current request; the CLI has none, so its actions record no address.
        services.AddHttpContextAccessor();
        services.AddScoped(sp => sp.GetRequiredService<IHttpContextAccessor>().HttpContext is { } ctx ? ClientInfo.From(ctx) : new ClientInfo());
        services.AddScoped<EventRecorder>();
        if (options.Storage.UsesS3) services.AddSingleton<IFileStore>(new S3FileStore(options.Storage.S3));
        else services.AddSingleton<IFileStore, LocalFileStore>();
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton<PageCache>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Auth));
        services.AddScoped<BasicAuthenticator>();
        services.AddScoped<UploadService>();
        services.AddScoped<ReleaseAdmin>();
        services.AddScoped<AccountAdmin>();
        services.AddScoped<XmlRpcMethods>();
        services.AddRetention();
        services.AddDownloads(options);
        services.AddAccounts(options, dataDir);
        services.AddDisclosure(options);
        return services;
    }
}
