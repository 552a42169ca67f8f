using Cheeseshop.Api;
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
        services.AddSingleton<IFileStore, LocalFileStore>();
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton<PageCache>();
        services.AddScoped<BasicAuthenticator>();
        services.AddScoped<UploadService>();
        services.AddScoped<ReleaseAdmin>();
        services.AddScoped<AccountAdmin>();
        return services;
    }
}
