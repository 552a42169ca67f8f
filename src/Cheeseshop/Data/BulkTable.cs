using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Cheeseshop.Data;

/// <summary>One column a bulk insert writes: its name, how to read it from a row, and its EF property.</summary>
internal sealed record BulkColumn(string Name, Func<object, object?> Get, IProperty Property);

/// <summary>
/// The table an entity is stored in, as the providers' bulk inserts write it. Table and column names,
/// and how values are stored, come from the EF model, so they cannot drift from the migrations.
/// </summary>
internal sealed record BulkTable(string Name, IReadOnlyList<BulkColumn> Columns)
{
    public static BulkTable Describe(CheeseshopDb db, Type type)
    {
        var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
        var name = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var columns = entity.GetProperties()
            // Generated keys are left to the database.
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => new BulkColumn(p.GetColumnName(store)!, Getter(p.PropertyInfo!), p))
            .ToList();
        return new BulkTable(name, columns);
    }

    /// <summary>"name1", "name2", ...: the column list of an INSERT or a COPY.</summary>
    public string ColumnList => string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));

    private static Func<object, object?> Getter(System.Reflection.PropertyInfo property)
    {
        var row = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(row, property.DeclaringType!), property), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, row).Compile();
    }
}
