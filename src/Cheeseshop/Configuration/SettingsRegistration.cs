using Microsoft.Extensions.Options;

namespace Cheeseshop.Configuration;

public static class SettingsRegistration
{
    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="T"/> once, checks it by its attributes (and
    /// IValidatableObject) when the program starts (AppConfiguration.Validate), and registers the bound
    /// object itself as a singleton: hot paths take it directly instead of going through IOptions.Value.
    /// </summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, IConfiguration section) where T : class
    {
        services.AddOptions<T>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}
