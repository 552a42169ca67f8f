using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cheeseshop.Data;

// Used only by `dotnet ef` (migrations add, dbcontext optimize); each provider keeps its own migrations.
// They build the model from OnModelCreating, never from the compiled model (Data/CompiledModels).
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDb>
{
    public SqliteDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteDb>();
        DatabaseRegistration.ConfigureSqlite(o, "Data Source=design.db", compiledModel: false);
        return new SqliteDb(o.Options);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDb>
{
    public PostgresDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresDb>();
        DatabaseRegistration.ConfigurePostgres(o, "Host=localhost;Database=design", compiledModel: false);
        return new PostgresDb(o.Options);
    }
}
