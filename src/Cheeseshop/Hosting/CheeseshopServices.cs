using Cheeseshop.Accounts;
using Cheeseshop.Api;
using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Storage;

namespace Cheeseshop.Hosting;

public static class CheeseshopServices
{
    /// <summary>Everything the server and the admin verbs share: configuration, database, storage, rules.</summary>
    public static IServiceCollection AddCheeseshop(this IServiceCollection services, CheeseshopOptions options)
    {
        var dataDir = new DataDirectory(options.DataDir);
        services.AddSingleton(options);
        services.AddSingleton(dataDir);
        services.AddSingleton(TimeProvider.System);
        services.AddCheeseshopDatabase(options, dataDir);
        services.AddSingleton(IpHashKey.Load(options, dataDir));
        // The client of the current request; the CLI has none, so its actions record no address.
        services.AddHttpContextAccessor();
        services.AddScoped(sp => sp.GetRequiredService<IHttpContextAccessor>().HttpContext is { } ctx ? ClientInfo.From(ctx) : new ClientInfo());
        services.AddScoped<EventRecorder>();
        services.AddSingleton<IFileStore, LocalFileStore>();
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton<PageCache>();
        services.AddScoped<BasicAuthenticator>();
        services.AddScoped<UploadService>();
        services.AddScoped<ReleaseAdmin>();
        services.AddScoped<AccountAdmin>();
        services.AddAccounts(options, dataDir);
        return services;
    }
}
