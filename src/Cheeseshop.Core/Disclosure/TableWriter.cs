using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// Writes one table as CSV (for people and spreadsheets; UTF-8 with a byte-order mark so spreadsheet
/// programs read accents right) and JSON (for programs: {"table", "columns", "rows": [{column: value}]})
/// at the same time, row by row, so memory does not grow with the table. Values are checked against
/// the declared column types. Both files are hashed as they are written.
/// </summary>
public sealed class TableWriter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TableSpec _spec;
    private readonly string _csvPath;
    private readonly string _jsonPath;
    private readonly HashingStream _csv;
    private readonly HashingStream _json;
    private readonly Utf8JsonWriter _writer;
    private readonly int _previewRows;
    private readonly List<string[]> _preview = [];
    private long _rows;
    private bool _completed;

    /// <param name="csvPath">The CSV file's path inside the package (for the manifest).</param>
    public TableWriter(TableSpec spec, string csvPath, Stream csv, string jsonPath, Stream json, int previewRows = 20)
    {
        _spec = spec;
        _csvPath = csvPath;
        _jsonPath = jsonPath;
        _csv = new HashingStream(csv);
        _json = new HashingStream(json);
        _previewRows = previewRows;
        _csv.Write(Encoding.UTF8.Preamble);
        WriteCsv(CsvText.Line(spec.Columns.Select(c => ((string?)c.Name, true))));
        _writer = new Utf8JsonWriter(_json, JsonOptions);
        _writer.WriteStartObject();
        _writer.WriteString("table", spec.Name);
        _writer.WriteString("description", spec.Description);
        _writer.WriteStartArray("columns");
        foreach (var c in spec.Columns)
        {
            _writer.WriteStartObject();
            _writer.WriteString("name", c.Name);
            _writer.WriteString("type", c.Type.ToString().ToLowerInvariant());
            _writer.WriteString("description", c.Description);
            _writer.WriteEndObject();
        }
        _writer.WriteEndArray();
        _writer.WriteStartArray("rows");
    }

    public long Rows => _rows;

    /// <summary>Adds a row; values in column order, each null or of its column's type.</summary>
    public void Add(params object?[] values)
    {
        if (_completed) throw new InvalidOperationException($"Table {_spec.Name} is already complete.");
        if (values.Length != _spec.Columns.Count)
            throw new ArgumentException($"Table {_spec.Name} has {_spec.Columns.Count} columns; a row gave {values.Length} values.");
        var texts = new string?[values.Length];
        _writer.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            var column = _spec.Columns[i];
            var value = values[i];
            _writer.WritePropertyName(column.Name);
            switch (value)
            {
                case null:
                    _writer.WriteNullValue();
                    break;
                case string s when column.Type == ColumnType.Text:
                    _writer.WriteStringValue(s);
                    texts[i] = s;
                    break;
                case long or int when column.Type == ColumnType.Integer:
                    var n = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    _writer.WriteNumberValue(n);
                    texts[i] = n.ToString(CultureInfo.InvariantCulture);
                    break;
                case bool b when column.Type == ColumnType.Boolean:
                    _writer.WriteBooleanValue(b);
                    texts[i] = b ? "true" : "false";
                    break;
                case DateTime t when column.Type == ColumnType.Time:
                    texts[i] = LegalDates.Instant(t);
                    _writer.WriteStringValue(texts[i]);
                    break;
                default:
                    throw new ArgumentException($"Table {_spec.Name}, column {column.Name} is {column.Type}, not {value.GetType().Name}.");
            }
        }
        _writer.WriteEndObject();
        if (_writer.BytesPending > 32 * 1024) _writer.Flush();
        WriteCsv(CsvText.Line(texts.Select((t, i) => (t, _spec.Columns[i].Type == ColumnType.Text))));
        if (_preview.Count < _previewRows) _preview.Add(texts.Select(t => t ?? "").ToArray());
        _rows++;
    }

    public WrittenTable Complete()
    {
        if (_completed) throw new InvalidOperationException($"Table {_spec.Name} is already complete.");
        _completed = true;
        _writer.WriteEndArray();
        _writer.WriteNumber("row_count", _rows);
        _writer.WriteEndObject();
        _writer.Flush();
        _json.Write("\n"u8);
        _csv.Flush();
        _json.Flush();
        return new WrittenTable(_spec, _rows,
            new PackageFile(_csvPath, _csv.Sha256Hex, _rows),
            new PackageFile(_jsonPath, _json.Sha256Hex, _rows),
            _preview);
    }

    private void WriteCsv(string line) => _csv.Write(Encoding.UTF8.GetBytes(line));

    public void Dispose()
    {
        _writer.Dispose();
        _csv.Dispose();
        _json.Dispose();
    }
}
