using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A produced zip, opened with .NET's own ZipArchive (so a package that only our writer could read
/// would fail here): the manifest, each category of each subject, each table's JSON rows, and every
/// entry's bytes for the secrets scan and the digest checks.
/// </summary>
public sealed class DisclosurePackage
{
    public DisclosurePackage(byte[] zip)
    {
        Bytes = zip;
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Entries[entry.FullName] = copy.ToArray();
            EntryTimes[entry.FullName] = entry.LastWriteTime;
        }
        Manifest = JsonDocument.Parse(Entries["manifest.json"]).RootElement.Clone();
    }

    public static DisclosurePackage Read(string path) => new(File.ReadAllBytes(path));

    public byte[] Bytes { get; }
    public Dictionary<string, byte[]> Entries { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DateTimeOffset> EntryTimes { get; } = new(StringComparer.Ordinal);
    public JsonElement Manifest { get; }

    public JsonElement Request => Manifest.GetProperty("request");

    public JsonElement Subject(string username) =>
        Manifest.GetProperty("subjects").EnumerateArray().FirstOrDefault(s => s.GetProperty("username").GetString() == username) is { ValueKind: JsonValueKind.Object } s
            ? s : throw new InvalidOperationException($"The package has no subject {username}; it has: {string.Join(", ", Manifest.GetProperty("subjects").EnumerateArray().Select(x => x.GetProperty("username").GetString()))}");

    public JsonElement Category(string username, string key) =>
        Subject(username).GetProperty("categories").EnumerateArray().First(c => c.GetProperty("key").GetString() == key);

    public string Statement(string username, string key) => Category(username, key).GetProperty("statement").GetString()!;

    public bool Held(string username, string key) => Category(username, key).GetProperty("held").GetBoolean();

    /// <summary>The rows of one table (by name, e.g. "account-events") of a subject's category, from its JSON file.</summary>
    public List<JsonElement> Rows(string username, string key, string table)
    {
        var file = Category(username, key).GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("path").GetString()!).FirstOrDefault(p => p.EndsWith($"/{table}.json", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{username}/{key} has no table {table}.");
        return JsonDocument.Parse(Entries[file]).RootElement.GetProperty("rows").EnumerateArray().Select(r => r.Clone()).ToList();
    }

    public string Csv(string username, string key, string table)
    {
        var file = Category(username, key).GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("path").GetString()!).First(p => p.EndsWith($"/{table}.csv", StringComparison.Ordinal));
        return Encoding.UTF8.GetString(Entries[file]);
    }

    /// <summary>Every entry's text, for "does any of the package hold X".</summary>
    public IEnumerable<(string Entry, string Text)> Texts => Entries.Select(e => (e.Key, Encoding.UTF8.GetString(e.Value)));

    /// <summary>The entries that hold <paramref name="needle"/> (as text, or as raw bytes).</summary>
    public List<string> EntriesHolding(string needle) =>
        Entries.Where(e => e.Value.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0).Select(e => e.Key).ToList();

    public static string? Cell(JsonElement row, string column) =>
        row.GetProperty(column).ValueKind == JsonValueKind.Null ? null : row.GetProperty(column).ToString();
}
