using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class TableWriterTests
{
    private static readonly TableSpec Spec = new("things", "Test rows.",
        [TableSpec.Text("name", "n"), TableSpec.Integer("count", "c"), TableSpec.Boolean("ok", "o"), TableSpec.Time("when", "w")]);

    private static (string Csv, JsonElement Json, WrittenTable Table, byte[] CsvBytes, byte[] JsonBytes) Write(params object?[][] rows)
    {
        var csv = new MemoryStream();
        var json = new MemoryStream();
        WrittenTable table;
        using (var w = new TableWriter(Spec, "a/things.csv", new NonClosing(csv), "a/things.json", new NonClosing(json), previewRows: 2))
        {
            foreach (var r in rows) w.Add(r);
            table = w.Complete();
        }
        return (Encoding.UTF8.GetString(csv.ToArray()), JsonDocument.Parse(json.ToArray()).RootElement.Clone(), table, csv.ToArray(), json.ToArray());
    }

    [Fact]
    public void Csv_follows_RFC_4180_and_guards_against_formulas_while_json_keeps_values_exactly()
    {
        var when = new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        var (csv, json, table, csvBytes, jsonBytes) = Write(
            ["plain", 1L, true, when],
            ["a, \"quoted\"\nvalue", 2, false, null],
            ["=HYPERLINK(\"x\")", -3L, null, when],
            [null, null, null, null]);
        Assert.StartsWith("\uFEFF", csv);
        Assert.Equal(
            "\uFEFFname,count,ok,when\r\n" +
            "plain,1,true,2026-07-01T12:00:00.000000Z\r\n" +
            "\"a, \"\"quoted\"\"\nvalue\",2,false,\r\n" +
            "\"'=HYPERLINK(\"\"x\"\")\",-3,,2026-07-01T12:00:00.000000Z\r\n" +
            ",,,\r\n", csv);
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("=HYPERLINK(\"x\")", rows[2].GetProperty("name").GetString());
        Assert.Equal(-3, rows[2].GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("when").ValueKind);
        Assert.Equal(4, json.GetProperty("row_count").GetInt32());
        Assert.Equal("things", json.GetProperty("table").GetString());
        Assert.Equal(["name", "count", "ok", "when"], json.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(4, table.Rows);
        Assert.Equal(2, table.Preview.Count);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csvBytes)), table.Csv.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(jsonBytes)), table.Json.Sha256);
        Assert.Equal("a/things.json", table.Json.Path);
    }

    [Fact]
    public void Values_must_match_the_declared_columns()
    {
        using var w = new TableWriter(Spec, "t.csv", new MemoryStream(), "t.json", new MemoryStream());
        Assert.Throws<ArgumentException>(() => w.Add("x", 1L, true));
        Assert.Throws<ArgumentException>(() => w.Add("x", "not a number", true, null));
        Assert.Throws<ArgumentException>(() => w.Add(new byte[] { 1 }, 1L, true, null));
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
