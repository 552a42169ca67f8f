using Cheeseshop.Disclosure;
using Cheeseshop.Downloads;

namespace Cheeseshop.Privacy;

public static class RetentionServices
{
    /// <summary>
    /// The retention policy's tasks, one per data class, wherever their feature lives, and the services
    /// that use them. The order here is the order of a run (the container hands them out in registration
    /// order): sealed accounts go first, so their events and addresses follow in the same run; events go
    /// before the addresses they point at, so an address freed by them goes in the same run too.
    /// RetentionService refuses to run unless every class of the policy has exactly one task.
    /// </summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddScoped<IRetentionTask, SealedAccountRetention>();
        services.AddScoped<IRetentionTask, LoginFailureRetention>();
        services.AddScoped<IRetentionTask, UserEventRetention>();
        services.AddScoped<IRetentionTask, ProjectEventRetention>();
        services.AddScoped<IRetentionTask, SentEmailRetention>();
        services.AddScoped<IRetentionTask, UnverifiedAccountRetention>();
        services.AddScoped<IRetentionTask, ExpiredInvitationRetention>();
        services.AddScoped<IRetentionTask, DownloadEventRetention>();
        services.AddScoped<IRetentionTask, RawIpAddressRetention>();
        services.AddScoped<IRetentionTask, UnreferencedIpAddressRetention>();
        services.AddScoped<IRetentionTask, RetentionRunRetention>();
        services.AddScoped<IRetentionTask, LegalRequestRetention>();
        services.AddScoped<IRetentionTask, AdminAuditRetention>();
        services.AddScoped<RetentionService>();
        services.AddScoped<LegalHoldService>();
        return services;
    }
}
