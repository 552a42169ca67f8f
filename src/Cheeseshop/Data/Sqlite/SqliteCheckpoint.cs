using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Data.Sqlite;

internal static class SqliteCheckpoint
{
    /// <summary>Moves the WAL into the database and truncates it. It fails while a reader holds an old
    /// snapshot, so retry briefly; the next run tries again if readers never let go.</summary>
    public static async Task TruncateAsync(CheeseshopDb db, ILogger log, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await using var reader = await command.ExecuteReaderAsync(ct);
                // Columns: busy (0 when the checkpoint completed), log frames, checkpointed frames.
                if (await reader.ReadAsync(ct) && reader.GetInt32(0) == 0) return;
                await Task.Delay(100, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        log.LogWarning("The SQLite write-ahead log could not be truncated: readers kept it busy; erased values may remain in the -wal file until the next run");
    }
}
