using Cheeseshop.Configuration;

namespace Cheeseshop.Projects;

public static class ProjectsServices
{
    public static IServiceCollection AddProjects(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ProjectsOptions>(configuration.GetSection(ProjectsOptions.Section));
        services.AddScoped<ProjectAdmin>();
        services.AddScoped<ProjectCreator>();
        return services;
    }
}
