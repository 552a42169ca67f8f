using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Cheeseshop.Data.Postgres;

/// <summary>PostgreSQL's bulk insert: binary COPY, one statement for all rows.</summary>
internal static class PostgresCopy
{
    private static readonly ConcurrentDictionary<Type, BulkTable> Tables = new();

    public static async Task InsertAsync<T>(CheeseshopDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var table = Tables.GetOrAdd(typeof(T), type => BulkTable.Describe(db, type));
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var types = table.Columns.Select(c => NpgsqlType(c.Property.ClrType)).ToArray();
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY \"{table.Name}\" ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    var value = table.Columns[i].Get(row);
                    if (value is null) await importer.WriteNullAsync(ct);
                    else await importer.WriteAsync(value, types[i], ct);
                }
            }
            // COPY is one statement: all rows or none.
            await importer.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static NpgsqlDbType NpgsqlType(Type clr) => (Nullable.GetUnderlyingType(clr) ?? clr) switch
    {
        var t when t == typeof(string) => NpgsqlDbType.Text,
        var t when t == typeof(DateTime) => NpgsqlDbType.TimestampTz,
        var t when t == typeof(DateOnly) => NpgsqlDbType.Date,
        var t when t == typeof(Guid) => NpgsqlDbType.Uuid,
        var t when t == typeof(bool) => NpgsqlDbType.Boolean,
        var t when t == typeof(long) => NpgsqlDbType.Bigint,
        var t when t == typeof(int) => NpgsqlDbType.Integer,
        var t => throw new NotSupportedException($"No COPY type for {t.Name}."),
    };
}
