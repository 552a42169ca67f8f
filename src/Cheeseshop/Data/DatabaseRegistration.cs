using Cheeseshop.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Data;

public static class DatabaseRegistration
{
    /// <summary>Registers CheeseshopDb on the provider the configuration chooses.</summary>
    public static IServiceCollection AddCheeseshopDatabase(this IServiceCollection services, CheeseshopOptions options, DataDirectory dataDir)
    {
        if (!string.IsNullOrWhiteSpace(options.Database.PostgreSQL))
        {
            var cs = options.Database.PostgreSQL;
            services.AddDbContextPool<PostgresDb>(o => ConfigurePostgres(o, cs));
            services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<PostgresDb>());
        }
        else
        {
            var cs = SqliteConnectionString(dataDir.SqlitePath);
            services.AddDbContextPool<SqliteDb>(o => ConfigureSqlite(o, cs));
            services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<SqliteDb>());
        }
        return services;
    }

    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        // Writers wait for each other instead of failing with "database is locked".
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    private static readonly SqliteSecureDelete SecureDelete = new();

    // The models are compiled (Data/CompiledModels, see its README): building the model from
    // OnModelCreating costs about 0.65 s of CPU at the first query of every process. The design-time
    // factories pass compiledModel: false, so migrations are always made from the code.
    internal static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString, bool compiledModel = true)
    {
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("ef_migrations"))
         .UseSnakeCaseNamingConvention()
         .AddInterceptors(SecureDelete);
        if (compiledModel) o.UseModel(CompiledModels.Sqlite.SqliteDbModel.Instance);
    }

    internal static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString, bool compiledModel = true)
    {
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("ef_migrations"))
         .UseSnakeCaseNamingConvention();
        if (compiledModel) o.UseModel(CompiledModels.Postgres.PostgresDbModel.Instance);
    }
}
