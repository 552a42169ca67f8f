using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Disclosure;

/// <summary>
/// The folder where a package's tables are written before they are zipped (so manifest.json, which
/// lists every file's digest, can come first in the zip). It sits beside the output file, where the
/// operator chose to put this data, and is deleted when the production ends, however it ends; if the
/// process dies instead, the production's note lets the next start, produce or `fsck --repair` remove it
/// (<see cref="InterruptedProductions"/>).
/// Each finished file is deflated at once on another thread, one file at a time, while the next table is
/// being read: compression then costs the production almost no time on a machine with a second core.
/// </summary>
public sealed class PackageWorkspace : IDisposable
{
    private readonly List<(string PathInZip, string File, Task<DeterministicZipWriter.Deflated> Deflated)> _entries = [];
    private Task _compression = Task.CompletedTask;
    private readonly Dictionary<(string Folder, string Category), IReadOnlyList<WrittenTable>> _tables = new();

    public PackageWorkspace(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public string Root { get; }

    /// <summary>Every written file, in the order they go into the zip, with its deflated copy (File + ".deflate") as it becomes ready.</summary>
    public IReadOnlyList<(string PathInZip, string File, Task<DeterministicZipWriter.Deflated> Deflated)> Entries => _entries;

    public IReadOnlyDictionary<(string Folder, string Category), IReadOnlyList<WrittenTable>> Tables => _tables;

    public CategoryTables For(string folder, DisclosureCategory category) => new(this, folder, category);

    internal async Task<WrittenTable> WriteAsync(string folder, DisclosureCategory category, TableSpec spec, Func<TableWriter, Task> fill)
    {
        var dir = $"{folder}/{category.Folder}";
        var csvPath = $"{dir}/{spec.Name}.csv";
        var jsonPath = $"{dir}/{spec.Name}.json";
        var csvFile = Path.Combine(Root, csvPath);
        var jsonFile = Path.Combine(Root, jsonPath);
        Directory.CreateDirectory(Path.GetDirectoryName(csvFile)!);
        WrittenTable written;
        using (var writer = new TableWriter(spec, csvPath, File.Create(csvFile), jsonPath, File.Create(jsonFile)))
        {
            await fill(writer);
            written = writer.Complete();
        }
        _entries.Add((csvPath, csvFile, Compress(csvFile)));
        _entries.Add((jsonPath, jsonFile, Compress(jsonFile)));
        var key = (folder, category.Key);
        _tables[key] = [.. _tables.GetValueOrDefault(key) ?? [], written];
        return written;
    }

    private Task<DeterministicZipWriter.Deflated> Compress(string file)
    {
        var task = _compression.ContinueWith(_ =>
        {
            using var input = File.OpenRead(file);
            using var output = File.Create(file + ".deflate");
            return DeterministicZipWriter.Deflate(input, output);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _compression = task;
        return task;
    }

    public void Dispose()
    {
        // The compressing thread may still be writing into the folder.
        try { _compression.Wait(); }
        catch (AggregateException) { /* the production reports its own failure */ }
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the caller reports the production's own error, not this one.
        }
    }
}

/// <summary>Where one category of one subject writes its tables.</summary>
public sealed class CategoryTables(PackageWorkspace workspace, string folder, DisclosureCategory category)
{
    public Task<WrittenTable> WriteAsync(TableSpec spec, Func<TableWriter, Task> fill) => workspace.WriteAsync(folder, category, spec, fill);

    public Task<WrittenTable> WriteAsync(TableSpec spec, Action<TableWriter> fill) =>
        workspace.WriteAsync(folder, category, spec, w => { fill(w); return Task.CompletedTask; });
}

/// <summary>What a category generator found: whether anything is held, and its statement.</summary>
public sealed record CategoryOutcome(bool Held, string Statement);

/// <summary>One of the nine categories, read from the database for one subject.</summary>
public interface ICategoryGenerator
{
    string Key { get; }
    Task<CategoryOutcome> GenerateAsync(SubjectScope subject, CategoryTables tables, CancellationToken ct);
}
