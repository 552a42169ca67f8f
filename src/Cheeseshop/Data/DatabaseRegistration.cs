using Cheeseshop.Configuration;
using Cheeseshop.Data.Postgres;
using Cheeseshop.Data.Sqlite;

namespace Cheeseshop.Data;

public static class DatabaseRegistration
{
    /// <summary>Registers CheeseshopDb on the provider the settings choose (Database:PostgreSQL set or not).
    /// Both pools are registered, because the settings are bound only once the container is built; only
    /// the chosen one is ever resolved, so only it is ever configured.</summary>
    public static IServiceCollection AddCheeseshopDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<PostgresDb>((sp, o) => PostgresDb.Configure(o.AddInterceptors(Connections(sp)), sp.GetRequiredService<CheeseshopOptions>().Database.PostgreSQL!));
        services.AddDbContextPool<SqliteDb>((sp, o) => SqliteDb.Configure(o.AddInterceptors(Connections(sp)), SqliteDb.ConnectionString(sp.GetRequiredService<DataDirectory>().SqlitePath)));
        services.AddSingleton(sp => new DatabaseChoice(!string.IsNullOrWhiteSpace(sp.GetRequiredService<CheeseshopOptions>().Database.PostgreSQL)));
        services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<DatabaseChoice>().Postgres
            ? sp.GetRequiredService<PostgresDb>()
            : sp.GetRequiredService<SqliteDb>());
        return services;
    }

    /// <summary>Counts open connections for the metrics.</summary>
    private static Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] Connections(IServiceProvider sp) =>
        [sp.GetRequiredService<Metrics.CheeseshopMetrics>().Connections];

    private sealed record DatabaseChoice(bool Postgres);
}
