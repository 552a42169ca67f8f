using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cheeseshop.Configuration;

namespace Cheeseshop.Disclosure;

/// <summary>
/// A note, in the data directory's legal-produce folder, that a disclosure package is being produced:
/// the request, where the package goes, and where its unfinished zip and workspace are. The producer
/// writes it (to disk) before it creates anything and deletes it once the package is recorded and in
/// place. A package is written beside its destination, wherever the operator chose, so after a crash
/// this note is the only way to find what was left behind (<see cref="InterruptedProductions"/>).
/// The producer holds the file open exclusively (an advisory lock the kernel releases when the process
/// dies): a note nobody holds belongs to a production that ended without finishing, and a note someone
/// holds to one still running, in this process or another.
/// </summary>
public sealed partial class ProductionIntent : IDisposable
{
    public const string FolderName = "legal-produce";

    /// <summary>In the notes' folder: every folder a package was written into, one a line, so that what a
    /// production left there without a note (<see cref="InterruptedProductions"/>) can be found.</summary>
    public const string FoldersFileName = "folders";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly FileStream _lock;

    private ProductionIntent(string path, FileStream held, Note? note)
    {
        NotePath = path;
        _lock = held;
        Details = note;
    }

    /// <summary>What the producer wrote: null when the process died while writing it, before it made anything else.</summary>
    public sealed record Note(long RequestId, string Target, string Zip, string Workspace, bool Force);

    public string NotePath { get; }

    public Note? Details { get; }

    public static string Folder(DataDirectory dataDir) => Path.Combine(dataDir.Root, FolderName);

    /// <summary>The unfinished zip (<c>{target}.partial-{token}.zip</c>) and workspace (<c>{target}.partial-{token}</c>)
    /// names this class gives, and nothing else: twelve lowercase hexadecimal digits.</summary>
    [GeneratedRegex(@"\A(?<target>.+)\.partial-(?<token>[0-9a-f]{12})(?<zip>\.zip)?\z", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex PartialName();

    /// <summary>Whether <paramref name="name"/> is one a production gives its unfinished zip or workspace; the
    /// target's file name and the token are then what it was made from.</summary>
    public static bool IsPartialName(string name, out string target, out string token, out bool zip)
    {
        var m = PartialName().Match(name);
        (target, token, zip) = m.Success ? (m.Groups["target"].Value, m.Groups["token"].Value, m.Groups["zip"].Success) : ("", "", false);
        return m.Success;
    }

    /// <summary>The note of the production whose unfinished files carry <paramref name="token"/>.</summary>
    public static string NoteOf(DataDirectory dataDir, string token) => Path.Combine(Folder(dataDir), $"{token}.json");

    /// <summary>The folders productions write into: the temporary folder (the admin pages' and the account page's
    /// packages) and every folder an --out named.</summary>
    public static IReadOnlyList<string> Folders(DataDirectory dataDir)
    {
        var file = Path.Combine(Folder(dataDir), FoldersFileName);
        var named = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0) : [];
        return [.. new[] { dataDir.TempRoot }.Concat(named).Distinct(StringComparer.Ordinal)];
    }

    private static void Remember(string folder, string target)
    {
        var file = Path.Combine(folder, FoldersFileName);
        var place = Path.GetDirectoryName(target)!;
        // One folder a line: a name with a line break would read back as other folders.
        if (place.Contains('\n') || place.Contains('\r')) return;
        if (File.Exists(file) && File.ReadAllLines(file).Contains(place, StringComparer.Ordinal)) return;
        File.AppendAllText(file, place + "\n");
    }

    /// <summary>Writes and holds the note of a new production of <paramref name="requestId"/> into <paramref name="target"/>.</summary>
    public static ProductionIntent Begin(DataDirectory dataDir, long requestId, string target, bool force)
    {
        var folder = Folder(dataDir);
        Directory.CreateDirectory(folder);
        Remember(folder, target);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var note = new Note(requestId, target, $"{target}.partial-{token}.zip", $"{target}.partial-{token}", force);
        var path = NoteOf(dataDir, token);
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(note, Json));
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
        return new ProductionIntent(path, stream, note);
    }

    /// <summary>Takes the note of a production that is no longer running; null while its producer holds it
    /// (or when it is gone already).</summary>
    public static ProductionIntent? TryClaim(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        Note? note;
        try
        {
            note = JsonSerializer.Deserialize<Note>(stream, Json);
        }
        catch (JsonException)
        {
            note = null;
        }
        return new ProductionIntent(path, stream, note);
    }

    /// <summary>The production is settled: the note goes (deleted while still held, so no one else takes it meanwhile).</summary>
    public void Finish()
    {
        File.Delete(NotePath);
        _lock.Dispose();
    }

    /// <summary>Lets go of the note and leaves it, for a later start, produce or `fsck --repair` to settle.</summary>
    public void Dispose() => _lock.Dispose();
}
