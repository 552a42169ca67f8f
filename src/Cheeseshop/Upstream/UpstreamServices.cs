using Cheeseshop.Configuration;

namespace Cheeseshop.Upstream;

public static class UpstreamServices
{
    public static IServiceCollection AddUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<UpstreamOptions>(configuration.GetSection(UpstreamOptions.Section));
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<UpstreamPages>();
        services.AddSingleton<ProxiedFiles>();
        services.AddSingleton<UpstreamProxy>();
        return services;
    }
}
