using Cheeseshop.Configuration;
using Cheeseshop.Data.Postgres;
using Cheeseshop.Data.Sqlite;

namespace Cheeseshop.Data;

public static class DatabaseRegistration
{
    /// <summary>Registers CheeseshopDb on the provider the configuration chooses.</summary>
    public static IServiceCollection AddCheeseshopDatabase(this IServiceCollection services, CheeseshopOptions options, DataDirectory dataDir)
    {
        if (!string.IsNullOrWhiteSpace(options.Database.PostgreSQL))
        {
            var cs = options.Database.PostgreSQL;
            services.AddDbContextPool<PostgresDb>(o => PostgresDb.Configure(o, cs));
            services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<PostgresDb>());
        }
        else
        {
            var cs = SqliteDb.ConnectionString(dataDir.SqlitePath);
            services.AddDbContextPool<SqliteDb>(o => SqliteDb.Configure(o, cs));
            services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<SqliteDb>());
        }
        return services;
    }
}
