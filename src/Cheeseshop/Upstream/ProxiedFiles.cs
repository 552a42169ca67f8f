using System.Collections.Concurrent;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Upstream;

/// <summary>
/// Brings upstream files into the file store: the first request for a file fetches it, checks its SHA-256
/// against the upstream page (and its PEP 658 metadata against its own), stores both through the same
/// IFileStore uploads use, and records it; every later request is served from the store. Concurrent first
/// requests for one file share one fetch. A file that does not match its page is refused and nothing of it
/// is kept. Each stored file also gets its download-statistics row, so proxied downloads count like local ones.
/// </summary>
public sealed class ProxiedFiles(
    IServiceScopeFactory scopes, IFileStore store, UpstreamClient client, UpstreamOptions upstream, CheeseshopOptions options,
    DataDirectory dataDir, TimeProvider clock, ILogger<ProxiedFiles> log)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ProxiedFile>>> _fetching = new(StringComparer.Ordinal);
    // Filename → stored row, so a proxied file already fetched is served without a database read.
    private readonly ConcurrentDictionary<string, ProxiedFile> _known = new(StringComparer.Ordinal);

    /// <summary>The stored file's row, fetching the file first when this index does not hold it yet.</summary>
    public async Task<ProxiedFile> EnsureAsync(string project, UpstreamFile file, CancellationToken ct)
    {
        if (await FindAsync(file.Filename, ct) is { } known && known.Sha256 == file.Sha256) return known;
        var fetch = _fetching.GetOrAdd(file.Filename, _ => new Lazy<Task<ProxiedFile>>(() => FetchAsync(project, file)));
        return await fetch.Value.WaitAsync(ct);
    }

    /// <summary>The row of a file fetched before, if any.</summary>
    public async Task<ProxiedFile?> FindAsync(string filename, CancellationToken ct)
    {
        if (_known.TryGetValue(filename, out var row)) return row;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        row = await db.ProxiedFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Filename == filename, ct);
        if (row is not null && _known.Count < 100_000) _known[filename] = row;
        return row;
    }

    private async Task<ProxiedFile> FetchAsync(string project, UpstreamFile file)
    {
        var temp = Path.Combine(dataDir.TempRoot, $"upstream-{Guid.NewGuid():N}.part");
        try
        {
            // A request whose look-up missed may get here after another request's fetch finished and left the
            // in-flight table; that fetch recorded its row first, so looking again keeps the file from being
            // fetched twice.
            if (await FindAsync(file.Filename, CancellationToken.None) is { } known && known.Sha256 == file.Sha256) return known;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(upstream.TimeoutSeconds));
            var ct = timeout.Token;
            var size = await client.DownloadAsync(file.Url, file.Sha256, options.Limits.MaxFileBytes, temp, ct);
            // Content-addressed by the digest just verified, in a folder of its own beside the uploads' layout.
            var path = $"upstream/{file.Sha256[..2]}/{file.Sha256[2..4]}/{file.Sha256[4..]}/{file.Filename}";
            byte[]? metadata = null;
            if (file.MetadataSha256 is { } metadataSha)
                metadata = await client.GetVerifiedBytesAsync(new Uri(file.Url.AbsoluteUri + ".metadata"), metadataSha,
                    (int)Math.Min(int.MaxValue, options.Limits.MaxMetadataBytes), ct);
            if (metadata is not null) await store.PutBytesAsync(path + ".metadata", metadata, ct);
            await store.PutAsync(path, temp, ct);
            var row = new ProxiedFile
            {
                Project = project, Filename = file.Filename, Sha256 = file.Sha256, Path = path, Size = size,
                MetadataSha256 = metadata is null ? null : file.MetadataSha256, Fetched = clock.GetUtcNow().UtcDateTime,
            };
            row = await RecordAsync(row, file);
            _known[file.Filename] = row;
            log.LogInformation("Fetched {Filename} ({Size} bytes) from the upstream for {Project}", file.Filename, size, project);
            return row;
        }
        catch (OperationCanceledException)
        {
            throw new UpstreamException($"fetching {file.Filename}: {client.TooSlow}; nothing was stored");
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new UpstreamException($"fetching {file.Filename} from the upstream failed ({e.Message}); nothing was stored");
        }
        finally
        {
            File.Delete(temp);
            _fetching.TryRemove(file.Filename, out _);
        }
    }

    /// <summary>The row and the file's download-statistics row; another node that recorded the same file
    /// first wins, and its row is used.</summary>
    private async Task<ProxiedFile> RecordAsync(ProxiedFile row, UpstreamFile file)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        db.ProxiedFiles.Add(row);
        if (!await db.DownloadFiles.AnyAsync(f => f.Filename == file.Filename))
            db.DownloadFiles.Add(new DownloadFile
            {
                Filename = file.Filename, Url = file.Url.AbsolutePath.Length > 2048 ? file.Url.AbsolutePath[..2048] : file.Url.AbsolutePath,
                Project = row.Project, Version = SimpleDetailPage.VersionOf(row.Project, file.Filename)?.ToString() ?? "",
                Type = file.Filename.EndsWith(".whl", StringComparison.OrdinalIgnoreCase) ? "bdist_wheel" : "sdist",
            });
        try
        {
            await db.SaveChangesAsync();
            return row;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.ProxiedFiles.AsNoTracking().FirstAsync(f => f.Filename == row.Filename);
        }
    }
}
