using Cheeseshop.Configuration;

namespace Cheeseshop.TrustedPublishing;

public static class TrustedPublishingServices
{
    public static IServiceCollection AddTrustedPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<TrustedPublishingOptions>(configuration.GetSection(TrustedPublishingOptions.Section));
        services.AddSingleton<IssuerKeys>();
        services.AddScoped<PublisherService>();
        services.AddScoped<TokenExchange>();
        return services;
    }
}
