using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cheeseshop.Data.Sqlite;

// Used only by `dotnet ef` (migrations add, dbcontext optimize); each provider keeps its own migrations.
// It builds the model from OnModelCreating, never from the compiled model (Data/CompiledModels).
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDb>
{
    public SqliteDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteDb>();
        SqliteDb.Configure(o, "Data Source=design.db", compiledModel: false);
        return new SqliteDb(o.Options);
    }
}
