using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cheeseshop.Data;

public static class DatabaseMigrator
{
    /// <summary>Creates or upgrades the schema. Safe to run on every start and from several nodes
    /// (EF takes a migration lock).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        // Comparing migration ids is cheap; MigrateAsync also diffs the model against the last snapshot,
        // which costs about a second of CPU: pay it only when there is something to apply.
        var pending = await db.PendingMigrationsAsync(ct);
        if (pending.Count > 0) await db.Database.MigrateAsync(ct);
        await db.AfterMigrateAsync(ct);
        // Search documents are derived in code (PEP 440 order picks the release): an index that had releases
        // before the migration that adds search gets its documents once, here.
        if (pending.Any(SearchMigrations.Contains) && await db.Releases.AnyAsync(ct))
            await Search.SearchIndexer.RebuildAllAsync(db, ct);
    }

    /// <summary>The migration that adds search, on each database.</summary>
    private static readonly string[] SearchMigrations =
        new[] { typeof(Migrations.Sqlite.Search), typeof(Migrations.Postgres.Search) }
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()!.Id).ToArray();
}
