using System.Globalization;
using System.Text;
using Cheeseshop.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace Cheeseshop.Data.Sqlite;

/// <summary>
/// SQLite's insert of raw download events, the one table written for every download. The writer shares
/// the web server's cores, so this path is written for CPU: one multi-row INSERT prepared per batch
/// and stepped once per <see cref="RowsPerStatement"/> rows, parameters bound by position through
/// SQLite's own API (Microsoft.Data.Sqlite looks each parameter up by name, which made multi-row
/// statements slower than single rows), values written from the typed row without boxing, and the
/// time formatted into a stack buffer.
/// Column names come from the EF model, so they cannot drift from the migrations.
/// </summary>
internal static class SqliteDownloadEventInsert
{
    /// <summary>
    /// 100 rows × 6 values: well under SQLite's limit of 32,766 variables, and enough that the
    /// per-statement work (starting the program, the AUTOINCREMENT bookkeeping) is paid once per 100 rows.
    /// </summary>
    public const int RowsPerStatement = 100;

    /// <summary>How Microsoft.Data.Sqlite (and so EF) writes a DateTime: the text every query on timestamps compares.</summary>
    private const string SqliteTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private const int Columns = 6;
    private const int SqliteDone = 101;

    private static string? _insertPrefix;

    public static async Task InsertAsync(CheeseshopDb db, IReadOnlyList<DownloadEventRecord> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var own = db.Database.CurrentTransaction is null;
        await using var tx = own ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            ct.ThrowIfCancellationRequested();
            InsertSqlite(db, rows);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (tx is not null) await tx.CommitAsync(ct);
    }

    private static void InsertSqlite(CheeseshopDb db, IReadOnlyList<DownloadEventRecord> rows)
    {
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
        var prefix = _insertPrefix ??= InsertPrefix(db);
        sqlite3_stmt? full = null, rest = null;
        try
        {
            for (var start = 0; start < rows.Count; start += RowsPerStatement)
            {
                var n = Math.Min(RowsPerStatement, rows.Count - start);
                // Every full chunk reuses one statement; only the batch's last, shorter chunk needs its own.
                var stmt = n == RowsPerStatement ? full ??= Prepare(handle, prefix, n) : rest = Prepare(handle, prefix, n);
                var p = 1;
                for (var i = start; i < start + n; i++)
                {
                    var r = rows[i];
                    BindTime(stmt, p++, r.Timestamp);
                    BindText(stmt, p++, r.CountryCode);
                    raw.sqlite3_bind_int64(stmt, p++, r.FileId);
                    if (r.AgentId is { } agent) raw.sqlite3_bind_int64(stmt, p++, agent);
                    else raw.sqlite3_bind_null(stmt, p++);
                    BindText(stmt, p++, r.TlsProtocol);
                    BindText(stmt, p++, r.TlsCipher);
                }
                var rc = raw.sqlite3_step(stmt);
                if (rc != SqliteDone) SqliteException.ThrowExceptionForRC(rc, handle);
                raw.sqlite3_reset(stmt);
            }
        }
        finally
        {
            full?.Dispose();
            rest?.Dispose();
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string prefix, int rows)
    {
        var sql = new StringBuilder(prefix, prefix.Length + rows * 16);
        for (var i = 0; i < rows; i++) sql.Append(i == 0 ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)");
        var rc = raw.sqlite3_prepare_v2(handle, sql.ToString(), out var stmt);
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, handle);
        return stmt;
    }

    /// <summary>"INSERT INTO download_events (timestamp, ...) VALUES ", the names read from the model.</summary>
    private static string InsertPrefix(CheeseshopDb db)
    {
        var entity = db.Model.FindEntityType(typeof(DownloadEventRecord))!;
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string[] properties =
        [
            nameof(DownloadEventRecord.Timestamp), nameof(DownloadEventRecord.CountryCode), nameof(DownloadEventRecord.FileId),
            nameof(DownloadEventRecord.AgentId), nameof(DownloadEventRecord.TlsProtocol), nameof(DownloadEventRecord.TlsCipher),
        ];
        // Every column but the generated id: a column added to the entity must be added here too.
        if (entity.GetProperties().Count(p => !p.IsPrimaryKey()) != Columns)
            throw new InvalidOperationException("download_events has columns SqliteDownloadEventInsert does not write.");
        var columns = properties.Select(p => $"\"{entity.FindProperty(p)!.GetColumnName(store)}\"");
        return $"INSERT INTO \"{entity.GetTableName()}\" ({string.Join(", ", columns)}) VALUES ";
    }

    private static void BindTime(sqlite3_stmt stmt, int index, DateTime value)
    {
        // The model's converter keeps every time in UTC; do the same.
        if (value.Kind != DateTimeKind.Utc) value = value.ToUniversalTime();
        Span<byte> buffer = stackalloc byte[32];
        if (!value.TryFormat(buffer, out var n, SqliteTimeFormat, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("A timestamp did not fit its buffer.");
        raw.sqlite3_bind_text(stmt, index, buffer[..n]);
    }

    private static void BindText(sqlite3_stmt stmt, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(stmt, index);
            return;
        }
        // Values are capped at 256 characters before they get here; a longer one takes the allocating path.
        Span<byte> buffer = stackalloc byte[1024];
        if (Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length)
            raw.sqlite3_bind_text(stmt, index, buffer[..Encoding.UTF8.GetBytes(value, buffer)]);
        else
            raw.sqlite3_bind_text(stmt, index, value);
    }
}
