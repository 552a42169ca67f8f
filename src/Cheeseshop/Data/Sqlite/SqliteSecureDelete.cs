using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cheeseshop.Data.Sqlite;

/// <summary>
/// Turns on PRAGMA secure_delete for every SQLite connection: freed space is overwritten with zeros,
/// so a deleted row or an erased IP address does not linger in free pages of the database file.
/// The setting is per connection, hence an interceptor rather than a migration.
/// </summary>
public sealed class SqliteSecureDelete : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Enable(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON;";
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Enable(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON;";
        command.ExecuteNonQuery();
    }
}
