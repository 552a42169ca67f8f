using System.Text.Json;
using Cheeseshop.Data;
using Parquet;
using Parquet.Serialization;

namespace Cheeseshop.Downloads;

public enum ExportFormat
{
    Parquet,
    JsonLines,
}

public enum ExportTable
{
    FileDownloads,
    SimpleRequests,
}

/// <summary>
/// Writes raw events in PyPI's BigQuery schema to Parquet (nested columns, timestamps in microseconds,
/// UTC) or JSON Lines. Rows are read as a stream and written in row groups of <see cref="RowGroup"/>,
/// so memory stays flat however many rows there are. The file appears only when complete.
/// </summary>
public sealed class DownloadExport(CheeseshopDb db, Hosting.StepReporter steps)
{
    public const int RowGroup = 50_000;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static ExportFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".parquet" => ExportFormat.Parquet,
        ".jsonl" or ".ndjson" => ExportFormat.JsonLines,
        _ => null,
    };

    /// <summary>Exports events with from &lt;= timestamp &lt; to; returns the number of rows.</summary>
    public async Task<long> ExportAsync(ExportTable table, DateTime from, DateTime to, string path, ExportFormat format, CancellationToken ct)
    {
        var temp = path + ".partial";
        long rows;
        try
        {
            rows = table == ExportTable.FileDownloads
                ? await WriteAsync(FileRows(from, to, ct), temp, format, ct)
                : await WriteAsync(SimpleRows(from, to, ct), temp, format, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return rows;
    }

    private async IAsyncEnumerable<FileDownloadRow> FileRows(DateTime from, DateTime to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long n = 0;
        await foreach (var e in DownloadEventMapping.Events(db, from, to, ct: ct))
        {
            yield return FileDownloadRow.From(e);
            if (++n % 10_000 == 0) steps.Report("rows", n);
        }
        steps.Report("rows", n, n);
    }

    private async IAsyncEnumerable<SimpleRequestRow> SimpleRows(DateTime from, DateTime to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long n = 0;
        await foreach (var e in DownloadEventMapping.SimpleRequests(db, from, to, ct))
        {
            yield return SimpleRequestRow.From(e);
            if (++n % 10_000 == 0) steps.Report("rows", n);
        }
        steps.Report("rows", n, n);
    }

    private static async Task<long> WriteAsync<T>(IAsyncEnumerable<T> rows, string path, ExportFormat format, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        long count = 0;
        if (format == ExportFormat.JsonLines)
        {
            var newline = "\n"u8.ToArray();
            await foreach (var row in rows.WithCancellation(ct))
            {
                await JsonSerializer.SerializeAsync(file, row, Json, ct);
                await file.WriteAsync(newline, ct);
                count++;
            }
            return count;
        }

        var group = new List<T>(RowGroup);
        var first = true;
        async Task FlushAsync()
        {
            // Each call appends one row group to the file written so far.
            await ParquetSerializer.SerializeAsync(group, file, new ParquetOptions { Append = !first }, cancellationToken: ct);
            first = false;
            count += group.Count;
            group.Clear();
        }
        await foreach (var row in rows.WithCancellation(ct))
        {
            group.Add(row);
            if (group.Count == RowGroup) await FlushAsync();
        }
        // An empty export is still a valid file with the schema: BigQuery and DuckDB load it as zero rows.
        if (group.Count > 0 || first) await FlushAsync();
        return count;
    }
}
