using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// Writes one table as CSV (for people and spreadsheets; UTF-8 with a byte-order mark so spreadsheet
/// programs read accents right) and JSON (for programs: {"table", "description", "columns", "rows":
/// [{column: value}], "row_count"}, one row per line) at the same time, row by row, so memory does not
/// grow with the table. Values are checked against the declared column types. Both files are hashed as
/// they are written.
/// </summary>
public sealed class TableWriter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };
    private static readonly byte[] FirstRow = "\n"u8.ToArray();
    private static readonly byte[] NextRow = ",\n"u8.ToArray();

    private readonly TableSpec _spec;
    private readonly string _csvPath;
    private readonly string _jsonPath;
    private readonly HashingStream _csv;
    private readonly HashingStream _json;
    /// <summary>Big writes only reach the hash: hashing a few hundred bytes at a time costs more than the hash itself.</summary>
    private readonly BufferedStream _jsonOut;
    private readonly StreamWriter _csvText;
    /// <summary>Each row is written into this buffer, then copied out: no flush of the writer per row.</summary>
    private readonly System.Buffers.ArrayBufferWriter<byte> _row = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly bool[] _isText;
    private readonly JsonEncodedText[] _names;
    private readonly string?[] _texts;
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
        _jsonOut = new BufferedStream(_json, 65536);
        _previewRows = previewRows;
        _isText = spec.Columns.Select(c => c.Type == ColumnType.Text).ToArray();
        _names = spec.Columns.Select(c => JsonEncodedText.Encode(c.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).ToArray();
        _texts = new string?[spec.Columns.Count];
        _csv.Write(Encoding.UTF8.Preamble);
        _csvText = new StreamWriter(_csv, new UTF8Encoding(false), 65536, leaveOpen: true) { NewLine = CsvText.LineEnd };
        CsvText.WriteLine(_csvText, spec.Columns.Select(c => c.Name).ToArray(), spec.Columns.Select(_ => true).ToArray());

        _writer = new Utf8JsonWriter(_row, JsonOptions);
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
        _writer.WritePropertyName("rows");
        _writer.Flush();
        _jsonOut.Write(_row.WrittenSpan);
        // Rows go one per line, each written as its own JSON value, so the file greps and diffs by row.
        _jsonOut.Write("["u8);
    }

    public long Rows => _rows;

    /// <summary>Adds a row; values in column order, each null or of its column's type.</summary>
    public void Add(params object?[] values)
    {
        if (_completed) throw new InvalidOperationException($"Table {_spec.Name} is already complete.");
        if (values.Length != _spec.Columns.Count)
            throw new ArgumentException($"Table {_spec.Name} has {_spec.Columns.Count} columns; a row gave {values.Length} values.");
        _jsonOut.Write(_rows == 0 ? FirstRow : NextRow);
        _row.ResetWrittenCount();
        _writer.Reset(_row);
        _writer.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            var column = _spec.Columns[i];
            var value = values[i];
            _writer.WritePropertyName(_names[i]);
            switch (value)
            {
                case null:
                    _writer.WriteNullValue();
                    _texts[i] = null;
                    break;
                case string s when column.Type == ColumnType.Text:
                    _writer.WriteStringValue(s);
                    _texts[i] = s;
                    break;
                case long or int when column.Type == ColumnType.Integer:
                    var n = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    _writer.WriteNumberValue(n);
                    _texts[i] = n.ToString(CultureInfo.InvariantCulture);
                    break;
                case bool b when column.Type == ColumnType.Boolean:
                    _writer.WriteBooleanValue(b);
                    _texts[i] = b ? "true" : "false";
                    break;
                case DateTime t when column.Type == ColumnType.Time:
                    _texts[i] = LegalDates.Instant(t);
                    _writer.WriteStringValue(_texts[i]);
                    break;
                default:
                    throw new ArgumentException($"Table {_spec.Name}, column {column.Name} is {column.Type}, not {value.GetType().Name}.");
            }
        }
        _writer.WriteEndObject();
        _writer.Flush();
        _jsonOut.Write(_row.WrittenSpan);
        CsvText.WriteLine(_csvText, _texts, _isText);
        if (_preview.Count < _previewRows) _preview.Add(_texts.Select(t => t ?? "").ToArray());
        _rows++;
    }

    public WrittenTable Complete()
    {
        if (_completed) throw new InvalidOperationException($"Table {_spec.Name} is already complete.");
        _completed = true;
        _jsonOut.Write(_rows == 0 ? "],"u8 : "\n],"u8);
        _jsonOut.Write(Encoding.UTF8.GetBytes($"\"row_count\":{_rows.ToString(CultureInfo.InvariantCulture)}}}\n"));
        _jsonOut.Flush();
        _csvText.Flush();
        _csv.Flush();
        _json.Flush();
        return new WrittenTable(_spec, _rows,
            new PackageFile(_csvPath, _csv.Sha256Hex, _rows),
            new PackageFile(_jsonPath, _json.Sha256Hex, _rows),
            _preview);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _jsonOut.Dispose();
        _csvText.Dispose();
        _csv.Dispose();
        _json.Dispose();
    }
}
