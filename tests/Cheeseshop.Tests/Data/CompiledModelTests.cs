using Cheeseshop.Data;
using Cheeseshop.Data.Postgres;
using Cheeseshop.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Cheeseshop.Tests.Data;

/// <summary>
/// The compiled models (src/Cheeseshop/Data/CompiledModels) must say what OnModelCreating says: a model
/// change without `dotnet ef dbcontext optimize` (see that folder's README) would make queries read and
/// write the old shape. No database is needed: both models are compared in memory, first table by table
/// (columns and their store types, keys, indexes, foreign keys), then entity by entity and property by
/// property (CLR types, value converters, navigations, value generation). (EF's own migrations differ
/// cannot read a compiled model: it is read-optimized.)
/// </summary>
public sealed class CompiledModelTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static CheeseshopDb Open(string provider)
    {
        if (provider == "postgres")
        {
            var p = new DbContextOptionsBuilder<PostgresDb>();
            PostgresDb.Configure(p, "Host=localhost;Database=unused");
            return new PostgresDb(p.Options);
        }
        var s = new DbContextOptionsBuilder<SqliteDb>();
        SqliteDb.Configure(s, "Data Source=:memory:");
        return new SqliteDb(s.Options);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_compiled_model_is_in_use_and_maps_the_same_tables(string provider)
    {
        using var db = Open(provider);
        Assert.IsAssignableFrom<RuntimeModel>(db.Model);
        var code = db.GetService<IDesignTimeModel>().Model;
        Assert.NotSame(code, db.Model);
        Assert.Equal(Describe(code.GetRelationalModel()), Describe(db.Model.GetRelationalModel()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_entity_and_property_of_the_code_model_is_compiled_alike(string provider)
    {
        using var db = Open(provider);
        var compiled = Describe(db.Model);
        var code = Describe(db.GetService<IDesignTimeModel>().Model);
        Assert.Equal(code, compiled);
    }

    /// <summary>What the migrations see: tables, columns and their store types, keys, indexes, foreign keys.</summary>
    private static List<string> Describe(IRelationalModel model)
    {
        var lines = new List<string>();
        foreach (var t in model.Tables)
        {
            lines.Add($"{t.Name}: primary key {t.PrimaryKey?.Name} ({string.Join(", ", t.PrimaryKey?.Columns.Select(c => c.Name) ?? [])})");
            foreach (var c in t.Columns)
                lines.Add($"{t.Name}.{c.Name}: {c.StoreType} nullable {c.IsNullable} {c.ProviderClrType}");
            foreach (var u in t.UniqueConstraints)
                lines.Add($"{t.Name} unique {u.Name} ({string.Join(", ", u.Columns.Select(c => c.Name))})");
            foreach (var i in t.Indexes)
                lines.Add($"{t.Name} index {i.Name} ({string.Join(", ", i.Columns.Select(c => c.Name))}) unique {i.IsUnique} filter {i.Filter}");
            foreach (var f in t.ForeignKeyConstraints)
                lines.Add($"{t.Name} fk {f.Name} ({string.Join(", ", f.Columns.Select(c => c.Name))}) -> {f.PrincipalTable.Name} "
                          + $"({string.Join(", ", f.PrincipalColumns.Select(c => c.Name))}) on delete {f.OnDeleteAction}");
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>One line per fact of the model, sorted, so that a failure names what differs.</summary>
    private static List<string> Describe(IModel model)
    {
        var lines = new List<string>();
        foreach (var e in model.GetEntityTypes())
        {
            var table = StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema());
            lines.Add($"{e.Name}: table {e.GetTableName()}, base {e.BaseType?.Name}");
            foreach (var p in e.GetProperties())
                lines.Add($"{e.Name}.{p.Name}: {p.ClrType} column {p.GetColumnName(table)} {p.GetColumnType()} nullable {p.IsNullable} "
                          + $"max {p.GetMaxLength()} generated {p.ValueGenerated} converter {p.GetValueConverter()?.GetType().FullName} "
                          + $"provider {p.GetProviderClrType()} concurrency {p.IsConcurrencyToken} default {p.GetDefaultValueSql()} "
                          + $"field {p.FieldInfo?.Name} shadow {p.IsShadowProperty()}");
            foreach (var k in e.GetKeys())
                lines.Add($"{e.Name} key {k.GetName()} ({Names(k.Properties)}) primary {k.IsPrimaryKey()}");
            foreach (var i in e.GetIndexes())
                lines.Add($"{e.Name} index {i.GetDatabaseName()} ({Names(i.Properties)}) unique {i.IsUnique} filter {i.GetFilter()}");
            foreach (var f in e.GetForeignKeys())
                lines.Add($"{e.Name} fk {f.GetConstraintName()} ({Names(f.Properties)}) -> {f.PrincipalEntityType.Name} ({Names(f.PrincipalKey.Properties)}) "
                          + $"delete {f.DeleteBehavior} required {f.IsRequired} unique {f.IsUnique} "
                          + $"nav {f.DependentToPrincipal?.Name} inverse {f.PrincipalToDependent?.Name}");
            foreach (var n in e.GetNavigations())
                lines.Add($"{e.Name} navigation {n.Name}: {n.ClrType} collection {n.IsCollection}");
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(", ", properties.Select(p => p.Name));
}
