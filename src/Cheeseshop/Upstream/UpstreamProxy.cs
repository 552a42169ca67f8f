using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Data;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Upstream;

/// <summary>
/// The Simple API for names this index does not hold, from the upstream (Upstream__Url). The dependency-
/// confusion rule lives here: a name that exists locally is served from local files only, and the upstream's
/// files join a local project's page only for projects an administrator set to merge
/// (<c>projects upstream NAME merge</c>), whose page then declares PEP 708 <c>tracks</c>.
/// </summary>
public sealed class UpstreamProxy(
    UpstreamOptions options, UpstreamPages pages, PageCache cache, IServiceScopeFactory scopes, TimeProvider clock, ILogger<UpstreamProxy> log)
{
    // Proxied pages live in the page cache beside local ones, under the project's name, so the change that
    // creates a local project of that name drops them (the local project takes over at once).
    private static readonly string[] Variants = Enum.GetNames<SimpleFormat>().Select(n => "upstream:" + n).ToArray();

    /// <summary>A proxied page this node holds and whose upstream page is still fresh: served without a
    /// database read, as a cached local page is.</summary>
    public bool TryCached(string normalized, SimpleFormat format, out RenderedPage page) =>
        cache.TryGet(normalized, Variants[(int)format], out page) && pages.IsFresh(normalized);

    public bool Enabled => options.Enabled;

    private static readonly TimeSpan MergedRefresh = TimeSpan.FromSeconds(5);
    private volatile HashSet<string> _merged = new(StringComparer.Ordinal);
    private DateTimeOffset _mergedLoaded = DateTimeOffset.MinValue;
    private int _refreshing;

    /// <summary>Whether the local project merges the upstream's files. The set is read again every few seconds
    /// in the background, so a change made with the CLI (or on another node) applies within that time; until
    /// the first read completes, every local name is served from local files only (the safe side).</summary>
    public bool IsMerged(string normalized)
    {
        if (clock.GetUtcNow() - _mergedLoaded > MergedRefresh && Interlocked.Exchange(ref _refreshing, 1) == 0)
            _ = Task.Run(RefreshMergedAsync);
        return _merged.Count > 0 && _merged.Contains(normalized);
    }

    private async Task RefreshMergedAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            _merged = new HashSet<string>(await db.UpstreamMerges.AsNoTracking().Select(m => m.Name).ToListAsync(), StringComparer.Ordinal);
            _mergedLoaded = clock.GetUtcNow();
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Reading the projects that merge the upstream failed; trying again on a later request");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>Where clients fetch a proxied file from this index: by project, SHA-256 and filename.</summary>
    public static string FileUrl(string normalized, UpstreamFile f) =>
        $"/packages/upstream/{normalized}/{f.Sha256}/{Uri.EscapeDataString(f.Filename)}";

    /// <summary>The page of a project this index does not hold: 404 when the upstream has none either,
    /// 502 when the upstream cannot be reached and was never read for it.</summary>
    /// <param name="ticket">The page cache's ticket taken before the database said the name is not local.</param>
    public async Task ServeSimpleAsync(HttpContext ctx, string normalized, SimpleFormat format, StringValues cacheControl, StringValues vary, long? ticket = null)
    {
        UpstreamEntry entry;
        try
        {
            entry = await pages.GetAsync(normalized, ctx.RequestAborted);
        }
        catch (UpstreamException e)
        {
            await BadGatewayAsync(ctx, e.Message);
            return;
        }
        if (entry.Page is not { } page)
        {
            await PageResults.NotFoundText().ExecuteAsync(ctx);
            return;
        }
        var rendered = entry.Rendered(format, () => Render(normalized, format, page.Files.Select(f => Proxied(normalized, f)).ToList(), page.Serial, []));
        if (ticket is { } t) cache.Set(normalized, rendered.Variant, rendered, t);
        await PageResults.WriteAsync(ctx, rendered, cacheControl, vary);
    }

    /// <summary>A local project that merges the upstream: its own files, then the upstream's files whose
    /// names it does not hold, with the upstream page declared as tracked. The local serial stays the page's.</summary>
    public async Task ServeMergedAsync(HttpContext ctx, string normalized, SimpleFormat format, StringValues cacheControl, StringValues vary)
    {
        var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
        var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
        if (snapshot is null)
        {
            await ServeSimpleAsync(ctx, normalized, format, cacheControl, vary);
            return;
        }
        var files = snapshot.Releases.SelectMany(r => r.Files.Select(f => new PageFile(
            f.Filename, FileUrls.Path(f), f.Sha256, string.IsNullOrEmpty(f.RequiresPython) ? null : f.RequiresPython,
            r.Release.Yanked, r.Release.YankedReason, f.Size, JsonText.IsoTime(f.UploadTime), f.MetadataSha256))).ToList();
        UpstreamPage? upstream = null;
        try
        {
            upstream = (await pages.GetAsync(normalized, ctx.RequestAborted)).Page;
        }
        catch (UpstreamException e)
        {
            log.LogWarning("Serving {Project} without the upstream's files: {Reason}", normalized, e.Message);
        }
        var local = files.Select(f => f.Filename).ToHashSet(StringComparer.Ordinal);
        if (upstream is not null) files.AddRange(upstream.Files.Where(f => !local.Contains(f.Filename)).Select(f => Proxied(normalized, f)));
        var tracks = new[] { UpstreamRules.Public(UpstreamRules.ProjectUrl(options.IndexUri(), normalized)) };
        var rendered = Render(normalized, format, files, snapshot.Project.LastSerial, tracks);
        await PageResults.WriteAsync(ctx, rendered, cacheControl, vary);
    }

    /// <summary>The upstream's file entry behind a proxied file URL, or null (with the answer already written).</summary>
    public async Task<UpstreamFile?> FindFileAsync(HttpContext ctx, string normalized, string sha256, string filename)
    {
        // A local name's files come from local uploads only, unless it merges the upstream.
        if (!IsMerged(normalized))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            if (await db.Projects.AnyAsync(p => p.NormalizedName == normalized, ctx.RequestAborted))
            {
                await PageResults.NotFoundText().ExecuteAsync(ctx);
                return null;
            }
        }
        UpstreamEntry entry;
        try
        {
            entry = await pages.GetAsync(normalized, ctx.RequestAborted);
        }
        catch (UpstreamException e)
        {
            await BadGatewayAsync(ctx, e.Message);
            return null;
        }
        var file = entry.Page?.Files.FirstOrDefault(f => f.Filename == filename && f.Sha256 == sha256);
        if (file is null) await PageResults.NotFoundText().ExecuteAsync(ctx);
        return file;
    }

    private static PageFile Proxied(string normalized, UpstreamFile f) =>
        new(f.Filename, FileUrl(normalized, f), f.Sha256, f.RequiresPython, f.Yanked, f.YankedReason, f.Size, f.UploadTime, f.MetadataSha256);

    private static RenderedPage Render(string normalized, SimpleFormat format, IReadOnlyList<PageFile> files, long serial, IReadOnlyList<string> tracks)
    {
        var body = format == SimpleFormat.JsonV1 ? ProxiedPage.Json(normalized, files, serial, tracks) : ProxiedPage.Html(normalized, files, serial, tracks);
        return new RenderedPage(Variants[(int)format], body, SimpleNegotiation.ContentType(format), serial);
    }

    /// <summary>502: what went wrong upstream, for the person whose install failed.</summary>
    public static async Task BadGatewayAsync(HttpContext ctx, string reason)
    {
        ctx.Response.StatusCode = StatusCodes.Status502BadGateway;
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync($"502 Bad Gateway: this index proxies projects it does not hold, and {reason}.\n");
    }
}
