using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Data.Entities;
using Cheeseshop.Downloads;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Storage;
using Microsoft.Net.Http.Headers;

namespace Cheeseshop.Upstream;

/// <summary>
/// /packages/upstream/{project}/{sha256}/{filename} (and its ".metadata"): a proxied file, fetched from the
/// upstream on first request and served from the file store after, counted in the download statistics as a
/// local file is; and the JSON API of a proxied project, built from the cached upstream page.
/// </summary>
public static class UpstreamEndpoints
{
    public static void MapUpstream(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<UpstreamOptions>().Enabled) return;
        app.MapMethods("/packages/upstream/{project}/{sha256}/{filename}", ["GET", "HEAD"], ServeAsync);
    }

    private static async Task ServeAsync(HttpContext ctx, string project, string sha256, string filename,
        UpstreamProxy proxy, ProxiedFiles files, IFileStore store, DownloadRecorder downloads)
    {
        var isMetadata = filename.EndsWith(".metadata", StringComparison.Ordinal);
        var name = isMetadata ? filename[..^".metadata".Length] : filename;
        if (!ProjectName.IsNormalized(project) || !UpstreamPageParser.IsSha256(sha256) || sha256.Any(char.IsUpper) ||
            !UpstreamPageParser.IsSafeFilename(name))
        {
            await PageResults.NotFoundText().ExecuteAsync(ctx);
            return;
        }
        var row = await files.FindAsync(name, ctx.RequestAborted);
        if (row is null || row.Sha256 != sha256)
        {
            if (await proxy.FindFileAsync(ctx, project, sha256, name) is not { } upstream) return;
            try
            {
                row = await files.EnsureAsync(project, upstream, ctx.RequestAborted);
            }
            catch (UpstreamException e)
            {
                await UpstreamProxy.BadGatewayAsync(ctx, e.Message);
                return;
            }
        }
        if (isMetadata && row.MetadataSha256 is null)
        {
            await PageResults.NotFoundText().ExecuteAsync(ctx);
            return;
        }
        var stored = await store.OpenAsync(isMetadata ? row.Path + ".metadata" : row.Path, ctx.RequestAborted);
        if (stored is null)
        {
            await PageResults.NotFoundText().ExecuteAsync(ctx);
            return;
        }
        ctx.Response.Headers.CacheControl = "max-age=31536000, immutable, public";
        var etag = new EntityTagHeaderValue($"\"u{sha256[..16]}{(isMetadata ? "m" : "")}\"");
        var contentType = isMetadata ? "text/plain; charset=utf-8" : "application/octet-stream";
        var result = stored.LocalPath is { } local
            ? Results.File(local, contentType, lastModified: stored.LastModified, entityTag: etag, enableRangeProcessing: true)
            : Results.File(stored.OpenRead(), contentType, lastModified: stored.LastModified, entityTag: etag, enableRangeProcessing: true);
        await downloads.TrackFile(ctx, filename, result).ExecuteAsync(ctx);
    }

    /// <summary>The JSON API of a project held only upstream, from the cached page: what the Simple API says
    /// (files, SHA-256, sizes, Requires-Python, yanks) in the JSON API's shape. The upstream page carries no
    /// other metadata, so summary, author and the like are empty and the MD5 and BLAKE2b digests blank.
    /// Kept in the page cache under the upstream variant of <paramref name="variant"/> (see UpstreamProxy.TryGetCached).</summary>
    /// <param name="ticket">The page cache's ticket taken before the database said the name is not local.</param>
    public static async Task<bool> TryServeJsonAsync(HttpContext ctx, string normalized, string? version, string origin, string variant, long ticket,
        UpstreamPages pages, PageCache cache)
    {
        ProjectSnapshot? snapshot;
        try
        {
            snapshot = await ProxiedSnapshotAsync(ctx, normalized, pages);
        }
        catch (UpstreamException e)
        {
            await UpstreamProxy.BadGatewayAsync(ctx, e.Message);
            return true;
        }
        var shown = version is null ? snapshot?.Latest : snapshot?.Find(version);
        if (snapshot is null || shown is null) return false;
        var body = JsonApiRenderer.Render(snapshot, shown, origin, includeReleases: version is null);
        var page = new RenderedPage(UpstreamProxy.Variant(variant), body, JsonApiEndpoints.ContentType, snapshot.Project.LastSerial);
        cache.Set(normalized, page.Variant, page, ticket);
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, PageResults.VaryEncoding);
        return true;
    }

    /// <summary>
    /// A project this index does not hold, as the upstream's cached page shows it, in the shape the local
    /// renderers (JSON API, project pages) take; null when the upstream has no such project. Throws
    /// UpstreamException when the upstream cannot be reached and nothing of the project is cached.
    /// </summary>
    public static async Task<ProjectSnapshot?> ProxiedSnapshotAsync(HttpContext ctx, string normalized, UpstreamPages pages)
    {
        var entry = await pages.GetAsync(normalized, ctx.RequestAborted);
        return entry.Page is { } page ? Snapshot(normalized, page) : null;
    }

    private static ProjectSnapshot Snapshot(string normalized, UpstreamPage page)
    {
        var project = new Project { Id = Guid.Empty, Name = normalized, NormalizedName = normalized, LastSerial = page.Serial };
        var releases = page.Files
            .Select(f => (File: f, Version: SimpleDetailPage.VersionOf(normalized, f.Filename)))
            .Where(x => x.Version is not null)
            .GroupBy(x => x.Version!)
            .Select(g =>
            {
                var release = new Release
                {
                    Id = Guid.NewGuid(), ProjectId = project.Id, Version = g.Key.ToString(), CanonicalVersion = g.Key.ToString(),
                    IsPrerelease = g.Key.IsPrerelease, Yanked = g.All(x => x.File.Yanked),
                    YankedReason = g.Select(x => x.File.YankedReason).FirstOrDefault(r => r is not null),
                    RequiresPython = g.Select(x => x.File.RequiresPython).FirstOrDefault(r => r is not null),
                };
                var list = g.Select(x => File(release, normalized, x.File)).OrderBy(f => f.Filename, StringComparer.Ordinal).ToList();
                return new ReleaseSnapshot(release, g.Key, list);
            })
            .OrderBy(r => r.Version)
            .ToList();
        return new ProjectSnapshot(project, releases, []);
    }

    private static ReleaseFile File(Release release, string normalized, UpstreamFile f)
    {
        var wheel = f.Filename.EndsWith(".whl", StringComparison.OrdinalIgnoreCase);
        var pythonVersion = wheel && DistributionFilename.TryParse(f.Filename, null, out var parsed, out _) && parsed!.Kind == DistributionKind.Wheel
            ? string.Join(".", parsed.PythonTags) : "source";
        return new ReleaseFile
        {
            Id = Guid.NewGuid(), ReleaseId = release.Id, Filename = f.Filename,
            PackageType = wheel ? "bdist_wheel" : "sdist", PythonVersion = pythonVersion,
            RequiresPython = f.RequiresPython, Size = f.Size ?? 0, Md5 = "", Sha256 = f.Sha256, Blake2b256 = "",
            Path = $"upstream/{normalized}/{f.Sha256}/{f.Filename}",
            UploadTime = JsonApiFiles.Time(f.UploadTime) ?? DateTime.UnixEpoch,
            MetadataSha256 = f.MetadataSha256,
        };
    }
}
