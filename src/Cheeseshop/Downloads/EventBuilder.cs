using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Downloads;

/// <summary>
/// Turns queued requests into rows, on the writer's thread: parses User-Agents, drops linehaul's
/// ignored bots, and finds the download_files and download_agents rows each event points at (creating
/// them on first sight). Everything is cached by the agent string and the filename, so an event the
/// writer has seen the like of costs two dictionary lookups: real traffic repeats a few agents, and a
/// filename never changes meaning. Agent rows can be pruned by retention once no event points at them,
/// so a cached agent id is trusted for the day on which this builder last confirmed its row (which sets
/// the row's last_seen); retention only prunes rows not seen for days. One per writer; not thread-safe.
/// </summary>
public sealed class EventBuilder(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const int CacheLimit = 50_000;
    private const int MaxText = 256;
    private static readonly JsonSerializerOptions HashJson = new();

    /// <summary>Stands for "ignore this agent" in <see cref="_agentOf"/>.</summary>
    private const long IgnoredAgent = -1;

    /// <summary>Stands for "not known before this batch" while a batch is built (ids start at 1).</summary>
    private const long Pending = -2;

    /// <summary>User-Agent → its download_agents id, null for an unrecognised agent, or IgnoredAgent.</summary>
    private readonly Dictionary<string, long?> _agentOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid?> _projects = new(StringComparer.Ordinal);

    /// <summary>Agent id → the day this builder last confirmed the row exists and set its last_seen to that day.</summary>
    private readonly Dictionary<long, DateOnly> _confirmed = new();

    public long Ignored { get; private set; }
    public long Unresolved { get; private set; }

    public async Task<DownloadBatch> BuildAsync(CheeseshopDb db, IReadOnlyList<PendingRequest> requests, CancellationToken ct)
    {
        var batch = await TryBuildAsync(db, requests, ct);
        if (batch is not null) return batch;
        // Retention pruned an agent this builder had cached: forget them all and find or create them afresh.
        _agentOf.Clear();
        _confirmed.Clear();
        return await TryBuildAsync(db, requests, ct)
               ?? throw new InvalidOperationException("Download agents were pruned while a batch was being built.");
    }

    /// <summary>Null when an agent row this builder had cached is gone.</summary>
    private async Task<DownloadBatch?> TryBuildAsync(CheeseshopDb db, IReadOnlyList<PendingRequest> requests, CancellationToken ct)
    {
        // One dictionary lookup per event and key in the common case: what is found is kept by position,
        // and only what this writer has not met yet is asked of the database and looked up again.
        var agentOf = new long?[requests.Count];
        var fileOf = new long[requests.Count];
        var unknown = Classify(requests, agentOf, fileOf);
        var resolvedAgents = unknown.Agents.Count > 0 ? await ResolveAgentsAsync(db, unknown.Agents, ct) : null;
        var resolvedFiles = unknown.Files.Count > 0 ? await ResolveFilesAsync(db, unknown.Files.Select(kv => (kv.Key, kv.Value)).ToList(), ct) : null;
        if (unknown.Projects.Count > 0) await ResolveProjectsAsync(db, unknown.Projects.ToList(), ct);

        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        HashSet<long>? unconfirmed = null;
        for (var i = 0; i < requests.Count; i++)
        {
            if (agentOf[i] == Pending) agentOf[i] = resolvedAgents![requests[i].UserAgent!];
            if (agentOf[i] is > 0 and var id && (!_confirmed.TryGetValue(id, out var day) || day != today))
                (unconfirmed ??= []).Add(id);
        }
        if (unconfirmed is not null && !await ConfirmAgentsAsync(db, unconfirmed, today, ct)) return null;
        return Assemble(requests, agentOf, fileOf, resolvedFiles);
    }

    private sealed record Unknown(Dictionary<string, InstallerDetails> Agents, Dictionary<string, string> Files, HashSet<string> Projects);

    /// <summary>Fills in the agent and file of each request from what this writer already knows, marks the
    /// rest Pending, and returns what must be asked of the database.</summary>
    private Unknown Classify(IReadOnlyList<PendingRequest> requests, long?[] agentOf, long[] fileOf)
    {
        var unknown = new Unknown(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            // No User-Agent at all: linehaul ignores it ("(null)" in the CDN's log).
            if (r.UserAgent is not { } ua) agentOf[i] = IgnoredAgent;
            else if (_agentOf.TryGetValue(ua, out var known)) agentOf[i] = known;
            else
            {
                agentOf[i] = Pending;
                if (!unknown.Agents.ContainsKey(ua))
                {
                    var parsed = Parse(ua);
                    if (parsed.Ignored) _agentOf[ua] = agentOf[i] = IgnoredAgent;
                    else if (parsed.Details is null) _agentOf[ua] = agentOf[i] = null;
                    else unknown.Agents[ua] = parsed.Details;
                }
            }
            if (r.Kind == RequestKind.File)
            {
                if (_files.TryGetValue(r.Name, out var file)) fileOf[i] = file;
                else
                {
                    fileOf[i] = Pending;
                    unknown.Files.TryAdd(r.Name, r.Url);
                }
            }
            else if (!_projects.ContainsKey(r.Name)) unknown.Projects.Add(r.Name);
        }
        return unknown;
    }

    private DownloadBatch Assemble(IReadOnlyList<PendingRequest> requests, long?[] agentOf, long[] fileOf, Dictionary<string, long>? resolvedFiles)
    {
        var batch = new DownloadBatch();
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var agent = agentOf[i];
            if (agent == IgnoredAgent)
            {
                Ignored++;
                continue;
            }
            if (r.Kind == RequestKind.File)
            {
                var file = fileOf[i];
                if (file == Pending && !resolvedFiles!.TryGetValue(r.Name, out file))
                {
                    // Served, but gone from the database a moment later: nothing to attribute it to.
                    Unresolved++;
                    continue;
                }
                batch.Files.Add(new DownloadEventRecord
                {
                    Timestamp = r.Timestamp, CountryCode = Cap(r.CountryCode), FileId = file, AgentId = agent,
                    TlsProtocol = r.TlsProtocol, TlsCipher = Cap(r.TlsCipher),
                });
            }
            else
            {
                batch.Simple.Add(new SimpleRequestRecord
                {
                    Timestamp = r.Timestamp, CountryCode = Cap(r.CountryCode), Url = Cap(r.Url, 2048)!, Project = Cap(r.Name)!,
                    ProjectId = _projects.GetValueOrDefault(r.Name), AgentId = agent, TlsProtocol = r.TlsProtocol, TlsCipher = Cap(r.TlsCipher),
                });
            }
        }
        return batch;
    }

    /// <summary>
    /// Marks the agents as seen today, once a day each: false if one of them is gone (pruned by retention).
    /// Rows an UPDATE touches are locked until it ends, so a concurrent prune either ran first (and the
    /// update finds nothing) or sees today's last_seen and keeps the row.
    /// </summary>
    private async Task<bool> ConfirmAgentsAsync(CheeseshopDb db, HashSet<long> ids, DateOnly today, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            if (await db.DownloadAgents.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeen, today), ct) == 0)
                return false;
            _confirmed[id] = today;
        }
        return true;
    }

    private static UserAgentParseResult Parse(string userAgent)
    {
        var result = UserAgentParser.Parse(userAgent);
        // Client-supplied text is kept to a sane length before it is stored or hashed.
        return result.Details is { } d ? UserAgentParseResult.Known(Bounded(d)) : result;
    }

    /// <summary>The agents' ids, also remembered for later batches.</summary>
    private async Task<Dictionary<string, long>> ResolveAgentsAsync(CheeseshopDb db, Dictionary<string, InstallerDetails> agents, CancellationToken ct)
    {
        if (_agentOf.Count + agents.Count > CacheLimit)
        {
            _agentOf.Clear();
            _confirmed.Clear();
        }
        // Many agent strings share the same details: one row each.
        var byHash = agents.Values.Distinct().ToDictionary(Hash);
        var ids = new Dictionary<InstallerDetails, long>();
        foreach (var chunk in byHash.Keys.Chunk(500))
            foreach (var f in await db.DownloadAgents.AsNoTracking().Where(a => chunk.Contains(a.DetailsHash)).Select(a => new { a.DetailsHash, a.Id }).ToListAsync(ct))
                ids[byHash[f.DetailsHash]] = f.Id;
        foreach (var (hash, d) in byHash.Where(kv => !ids.ContainsKey(kv.Value)))
        {
            var row = AgentRow(hash, d, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime));
            ids[d] = await InsertOnceAsync(db, db.DownloadAgents, row, () => row.Id,
                () => db.DownloadAgents.Where(a => a.DetailsHash == hash).Select(a => a.Id).FirstAsync(ct), ct);
        }
        var resolved = new Dictionary<string, long>(agents.Count, StringComparer.Ordinal);
        foreach (var (ua, d) in agents) _agentOf[ua] = resolved[ua] = ids[d];
        return resolved;
    }

    /// <summary>The files' ids (those still in release_files or download_files), also remembered for later batches.</summary>
    private async Task<Dictionary<string, long>> ResolveFilesAsync(CheeseshopDb db, List<(string Name, string Url)> missing, CancellationToken ct)
    {
        if (_files.Count + missing.Count > CacheLimit) _files.Clear();
        var resolved = new Dictionary<string, long>(missing.Count, StringComparer.Ordinal);
        foreach (var chunk in missing.Chunk(500))
        {
            var names = chunk.Select(c => c.Name).ToList();
            foreach (var f in await db.DownloadFiles.AsNoTracking().Where(f => names.Contains(f.Filename)).Select(f => new { f.Filename, f.Id }).ToListAsync(ct))
                _files[f.Filename] = resolved[f.Filename] = f.Id;
            var unknown = chunk.Where(c => !resolved.ContainsKey(c.Name)).ToList();
            if (unknown.Count == 0) continue;
            var unknownNames = unknown.Select(u => u.Name).ToList();
            var releases = await db.Files.AsNoTracking().Where(f => unknownNames.Contains(f.Filename))
                .Select(f => new { f.Filename, f.ProjectId, Project = f.Release!.Project!.NormalizedName, f.Release.Version, f.PackageType })
                .ToListAsync(ct);
            foreach (var f in releases)
            {
                var row = new DownloadFile
                {
                    Filename = f.Filename, Url = Cap(unknown.First(u => u.Name == f.Filename).Url, 2048)!, Project = f.Project,
                    ProjectId = f.ProjectId, Version = f.Version, Type = f.PackageType,
                };
                var name = f.Filename;
                _files[name] = resolved[name] = await InsertOnceAsync(db, db.DownloadFiles, row, () => row.Id,
                    () => db.DownloadFiles.Where(x => x.Filename == name).Select(x => x.Id).FirstAsync(ct), ct);
            }
        }
        return resolved;
    }

    private async Task ResolveProjectsAsync(CheeseshopDb db, List<string> missing, CancellationToken ct)
    {
        if (_projects.Count + missing.Count > CacheLimit) _projects.Clear();
        var found = await db.Projects.AsNoTracking().Where(p => missing.Contains(p.NormalizedName)).Select(p => new { p.NormalizedName, p.Id }).ToListAsync(ct);
        // Only found projects are remembered: one created a moment later is found by the next batch.
        foreach (var p in found) _projects[p.NormalizedName] = p.Id;
    }

    /// <summary>Adds a row whose unique key another node may have just inserted; then that row's id is used.</summary>
    private static async Task<long> InsertOnceAsync<T>(CheeseshopDb db, DbSet<T> set, T row, Func<long> id, Func<Task<long>> existing, CancellationToken ct)
        where T : class
    {
        set.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return id();
        }
        catch (DbUpdateException)
        {
            return await existing();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public static string Hash(InstallerDetails details) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(details, HashJson))));

    private static DownloadAgent AgentRow(string hash, InstallerDetails d, DateOnly today) => new()
    {
        DetailsHash = hash,
        LastSeen = today,
        InstallerName = d.Installer?.Name,
        InstallerVersion = d.Installer?.Version,
        Python = d.Python,
        ImplementationName = d.Implementation?.Name,
        ImplementationVersion = d.Implementation?.Version,
        DistroName = d.Distro?.Name,
        DistroVersion = d.Distro?.Version,
        DistroId = d.Distro?.Id,
        DistroLibcLib = d.Distro?.Libc?.Lib,
        DistroLibcVersion = d.Distro?.Libc?.Version,
        SystemName = d.System?.Name,
        SystemRelease = d.System?.Release,
        Cpu = d.Cpu,
        OpensslVersion = d.OpensslVersion,
        SetuptoolsVersion = d.SetuptoolsVersion,
        RustcVersion = d.RustcVersion,
        Ci = d.Ci,
    };

    private static InstallerDetails Bounded(InstallerDetails d) => new(
        d.Installer is null ? null : new Installer(Cap(d.Installer.Name), Cap(d.Installer.Version)),
        Cap(d.Python),
        d.Implementation is null ? null : new Implementation(Cap(d.Implementation.Name), Cap(d.Implementation.Version)),
        d.Distro is null ? null : new Distro(Cap(d.Distro.Name), Cap(d.Distro.Version), Cap(d.Distro.Id),
            d.Distro.Libc is null ? null : new Libc(Cap(d.Distro.Libc.Lib), Cap(d.Distro.Libc.Version))),
        d.System is null ? null : new SystemInfo(Cap(d.System.Name), Cap(d.System.Release)),
        Cap(d.Cpu), Cap(d.OpensslVersion), Cap(d.SetuptoolsVersion), Cap(d.RustcVersion), d.Ci);

    private static string? Cap(string? s, int max = MaxText) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>Rows ready to insert, both tables in one transaction.</summary>
public sealed class DownloadBatch
{
    public List<DownloadEventRecord> Files { get; } = [];
    public List<SimpleRequestRecord> Simple { get; } = [];
    public int Count => Files.Count + Simple.Count;
}
