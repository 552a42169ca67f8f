using Cheeseshop.Core.Downloads;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>What the writer learnt about a file: enough to fill file_downloads' file record.</summary>
public sealed record FileFacts(Guid ProjectId, string Project, string Version, string Type);

/// <summary>
/// Turns queued requests into rows, on the writer's thread: parses User-Agents (cached: real traffic
/// repeats a few agents), drops linehaul's ignored bots, and finds each file's project, version and
/// type (cached: a filename, once used, never changes meaning). Not thread-safe; one per writer.
/// </summary>
public sealed class EventBuilder
{
    private const int CacheLimit = 20_000;
    private const int MaxText = 256;
    private readonly Dictionary<string, UserAgentParseResult> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileFacts?> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid?> _projects = new(StringComparer.Ordinal);

    public long Ignored { get; private set; }
    public long Unresolved { get; private set; }

    public async Task<DownloadBatch> BuildAsync(CheeseshopDb db, IReadOnlyList<PendingRequest> requests, CancellationToken ct)
    {
        await ResolveAsync(db, requests, ct);
        var batch = new DownloadBatch();
        foreach (var r in requests)
        {
            var parsed = Parse(r.UserAgent);
            if (parsed.Ignored)
            {
                Ignored++;
                continue;
            }
            if (r.Kind == RequestKind.File)
            {
                if (_files.GetValueOrDefault(r.Name) is not { } file)
                {
                    // Served but no longer in the database (removed a moment ago): nothing to attribute it to.
                    Unresolved++;
                    continue;
                }
                batch.Files.Add(FileRecord(r, file, parsed.Details));
            }
            else
            {
                batch.Simple.Add(SimpleRecord(r, _projects.GetValueOrDefault(r.Name), parsed.Details));
            }
        }
        ForgetMisses();
        return batch;
    }

    private UserAgentParseResult Parse(string? userAgent)
    {
        if (userAgent is null) return UserAgentParser.Parse(null);
        if (_agents.TryGetValue(userAgent, out var cached)) return cached;
        if (_agents.Count >= CacheLimit) _agents.Clear();
        return _agents[userAgent] = UserAgentParser.Parse(userAgent);
    }

    private async Task ResolveAsync(CheeseshopDb db, IReadOnlyList<PendingRequest> requests, CancellationToken ct)
    {
        var files = requests.Where(r => r.Kind == RequestKind.File && !_files.ContainsKey(r.Name)).Select(r => r.Name).Distinct().ToList();
        var projects = requests.Where(r => r.Kind == RequestKind.Simple && !_projects.ContainsKey(r.Name)).Select(r => r.Name).Distinct().ToList();
        if (_files.Count + files.Count > CacheLimit) _files.Clear();
        if (_projects.Count + projects.Count > CacheLimit) _projects.Clear();
        foreach (var chunk in files.Chunk(500))
        {
            var found = await db.Files.AsNoTracking().Where(f => chunk.Contains(f.Filename))
                .Select(f => new { f.Filename, f.ProjectId, Project = f.Release!.Project!.NormalizedName, f.Release!.Version, f.PackageType })
                .ToListAsync(ct);
            foreach (var name in chunk) _files[name] = null;
            foreach (var f in found) _files[f.Filename] = new FileFacts(f.ProjectId, f.Project, f.Version, f.PackageType);
        }
        foreach (var chunk in projects.Chunk(500))
        {
            var found = await db.Projects.AsNoTracking().Where(p => chunk.Contains(p.NormalizedName)).Select(p => new { p.NormalizedName, p.Id }).ToListAsync(ct);
            foreach (var name in chunk) _projects[name] = null;
            foreach (var p in found) _projects[p.NormalizedName] = p.Id;
        }
    }

    // Misses are not remembered: a project created a moment later must be found by the next batch.
    private void ForgetMisses()
    {
        foreach (var key in _files.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList()) _files.Remove(key);
        foreach (var key in _projects.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList()) _projects.Remove(key);
    }

    public static DownloadEventRecord FileRecord(in PendingRequest r, FileFacts file, InstallerDetails? d) => new()
    {
        Timestamp = r.Timestamp,
        CountryCode = Cap(r.CountryCode),
        Url = Cap(r.Url, 2048)!,
        Project = file.Project,
        ProjectId = file.ProjectId,
        FileFilename = r.Name,
        FileProject = file.Project,
        FileVersion = file.Version,
        FileType = file.Type,
        HasDetails = d is not null,
        InstallerName = Cap(d?.Installer?.Name),
        InstallerVersion = Cap(d?.Installer?.Version),
        Python = Cap(d?.Python),
        ImplementationName = Cap(d?.Implementation?.Name),
        ImplementationVersion = Cap(d?.Implementation?.Version),
        DistroName = Cap(d?.Distro?.Name),
        DistroVersion = Cap(d?.Distro?.Version),
        DistroId = Cap(d?.Distro?.Id),
        DistroLibcLib = Cap(d?.Distro?.Libc?.Lib),
        DistroLibcVersion = Cap(d?.Distro?.Libc?.Version),
        SystemName = Cap(d?.System?.Name),
        SystemRelease = Cap(d?.System?.Release),
        Cpu = Cap(d?.Cpu),
        OpensslVersion = Cap(d?.OpensslVersion),
        SetuptoolsVersion = Cap(d?.SetuptoolsVersion),
        RustcVersion = Cap(d?.RustcVersion),
        Ci = d?.Ci,
        TlsProtocol = r.TlsProtocol,
        TlsCipher = Cap(r.TlsCipher),
    };

    public static SimpleRequestRecord SimpleRecord(in PendingRequest r, Guid? projectId, InstallerDetails? d) => new()
    {
        Timestamp = r.Timestamp,
        CountryCode = Cap(r.CountryCode),
        Url = Cap(r.Url, 2048)!,
        Project = Cap(r.Name)!,
        ProjectId = projectId,
        HasDetails = d is not null,
        InstallerName = Cap(d?.Installer?.Name),
        InstallerVersion = Cap(d?.Installer?.Version),
        Python = Cap(d?.Python),
        ImplementationName = Cap(d?.Implementation?.Name),
        ImplementationVersion = Cap(d?.Implementation?.Version),
        DistroName = Cap(d?.Distro?.Name),
        DistroVersion = Cap(d?.Distro?.Version),
        DistroId = Cap(d?.Distro?.Id),
        DistroLibcLib = Cap(d?.Distro?.Libc?.Lib),
        DistroLibcVersion = Cap(d?.Distro?.Libc?.Version),
        SystemName = Cap(d?.System?.Name),
        SystemRelease = Cap(d?.System?.Release),
        Cpu = Cap(d?.Cpu),
        OpensslVersion = Cap(d?.OpensslVersion),
        SetuptoolsVersion = Cap(d?.SetuptoolsVersion),
        RustcVersion = Cap(d?.RustcVersion),
        Ci = d?.Ci,
        TlsProtocol = r.TlsProtocol,
        TlsCipher = Cap(r.TlsCipher),
    };

    // Agents are client-supplied: a field is kept to a sane length so one request cannot bloat a row.
    private static string? Cap(string? s, int max = MaxText) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>Rows ready to insert, both tables in one transaction.</summary>
public sealed class DownloadBatch
{
    public List<DownloadEventRecord> Files { get; } = [];
    public List<SimpleRequestRecord> Simple { get; } = [];
    public int Count => Files.Count + Simple.Count;
}
