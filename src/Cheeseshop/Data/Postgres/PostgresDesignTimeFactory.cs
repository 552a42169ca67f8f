using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cheeseshop.Data.Postgres;

// Used only by `dotnet ef` (migrations add, dbcontext optimize); each provider keeps its own migrations.
// It builds the model from OnModelCreating, never from the compiled model (Data/CompiledModels).
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDb>
{
    public PostgresDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresDb>();
        PostgresDb.Configure(o, "Host=localhost;Database=design", compiledModel: false);
        return new PostgresDb(o.Options);
    }
}
