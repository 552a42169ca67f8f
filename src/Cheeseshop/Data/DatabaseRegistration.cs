using Cheeseshop.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Data;

public static class DatabaseRegistration
{
    /// <summary>Registers CheeseshopDb on the provider the settings choose (Database:PostgreSQL set or not).
    /// Both pools are registered; only the chosen one is ever resolved, so only it is ever configured.</summary>
    public static IServiceCollection AddCheeseshopDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<PostgresDb>((sp, o) => ConfigurePostgres(o, sp.GetRequiredService<CheeseshopOptions>().Database.PostgreSQL!));
        services.AddDbContextPool<SqliteDb>((sp, o) => ConfigureSqlite(o, SqliteConnectionString(sp.GetRequiredService<DataDirectory>().SqlitePath)));
        services.AddSingleton(sp => new DatabaseChoice(!string.IsNullOrWhiteSpace(sp.GetRequiredService<CheeseshopOptions>().Database.PostgreSQL)));
        services.AddScoped<CheeseshopDb>(sp => sp.GetRequiredService<DatabaseChoice>().Postgres
            ? sp.GetRequiredService<PostgresDb>()
            : sp.GetRequiredService<SqliteDb>());
        return services;
    }

    private sealed record DatabaseChoice(bool Postgres);

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
