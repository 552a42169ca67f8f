using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data.Sqlite;

/// <summary>
/// SQLite's bulk insert: one prepared INSERT reused for every row inside a transaction. Values are
/// stored as EF stores them (SQLite keeps Guids and times as text).
/// </summary>
internal static class SqliteBulkInsert
{
    private static readonly ConcurrentDictionary<Type, BulkTable> Tables = new();

    public static async Task InsertAsync<T>(CheeseshopDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var table = Tables.GetOrAdd(typeof(T), type => BulkTable.Describe(db, type));
        var own = db.Database.CurrentTransaction is null;
        await using var tx = own ? await db.Database.BeginTransactionAsync(ct) : null;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({table.ColumnList}) " +
                              $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i))})";
        var parameters = new (DbParameter Parameter, RelationalTypeMapping Mapping)[table.Columns.Count];
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var mapping = (RelationalTypeMapping)table.Columns[i].Property.GetTypeMapping();
            // The mapping configures the parameter as EF would (e.g. SQLite text for Guids and times).
            var parameter = mapping.CreateParameter(command, "@p" + i, null, nullable: true);
            command.Parameters.Add(parameter);
            parameters[i] = (parameter, mapping);
        }
        await command.PrepareAsync(ct);
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                var value = table.Columns[i].Get(row);
                var (parameter, mapping) = parameters[i];
                parameter.Value = value is null ? DBNull.Value : mapping.Converter?.ConvertToProvider(value) ?? value;
            }
            // Microsoft.Data.Sqlite is synchronous underneath; the async call only adds a Task per row.
            ct.ThrowIfCancellationRequested();
            command.ExecuteNonQuery();
        }
        if (tx is not null) await tx.CommitAsync(ct);
    }
}
