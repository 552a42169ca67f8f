using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Data;
using Cheeseshop.Files;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Simple;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Upstream;

/// <summary>
/// The Simple API for names this index does not hold, from the upstream (Upstream__Url). The dependency-
/// confusion rule lives here: a name that exists locally is served from local files only, and the upstream's
/// files join a local project's page only for projects an administrator set to merge
/// (<c>projects upstream NAME merge</c>), whose page then declares PEP 708 <c>tracks</c>.
/// </summary>
public sealed class UpstreamProxy(UpstreamOptions options, UpstreamPages pages, PageCache cache, ILogger<UpstreamProxy> log)
{
    // Pages that show the upstream's files (a proxied project's, a merged local project's) live in the page cache
    // beside local ones, under the project's name and variants of their own: the change that creates a local
    // project of that name, or switches one between merge and local, drops them with its other pages. A name is
    // either local or not, so one family of variants serves both kinds and one lookup finds either.
    private static readonly string[] Variants = Enum.GetNames<SimpleFormat>().Select(v => "upstream:" + v).ToArray();

    /// <summary>The variant a page built from the upstream's files is cached under, beside the local page's.</summary>
    public static string Variant(string localVariant)
    {
        foreach (var known in Variants)
            if (known.Length == localVariant.Length + 9 && known.EndsWith(localVariant, StringComparison.Ordinal)) return known;
        return "upstream:" + localVariant;
    }

    /// <summary>
    /// The cached page of a project: with an upstream, the page may be a local one or one showing the upstream's
    /// files (a proxied or a merged project), and both are looked for before the request counts as one hit or one
    /// miss. A page with the upstream's files is served only while the upstream page it was made from is fresher
    /// than CacheSeconds, so the upstream's cache, not the journal, decides when it changes.
    /// </summary>
    public static bool TryGetCached(PageCache cache, UpstreamProxy? upstream, ReadOnlySpan<char> normalized, string variant, out RenderedPage page) =>
        upstream is null
            ? cache.TryGet(normalized, variant, out page)
            : cache.Counted(cache.Peek(normalized, variant, out page) ||
                            upstream.TryCachedUpstream(normalized, Variant(variant), out page));

    private bool TryCachedUpstream(ReadOnlySpan<char> normalized, string upstreamVariant, out RenderedPage page) =>
        cache.Peek(normalized, upstreamVariant, out page) && pages.IsFresh(normalized);

    public bool Enabled => options.Enabled;

    /// <summary>Whether the local project merges the upstream's files. Read when its page is rendered: switching
    /// is a change to the index (journalled), which drops the project's cached pages on every node.</summary>
    public static Task<bool> IsMergedAsync(CheeseshopDb db, string normalized, CancellationToken ct) =>
        db.UpstreamMerges.AnyAsync(m => m.Name == normalized, ct);

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
    /// <param name="ticket">The page cache's ticket taken before <paramref name="snapshot"/> was read.</param>
    public async Task ServeMergedAsync(HttpContext ctx, ProjectSnapshot snapshot, SimpleFormat format, StringValues cacheControl, StringValues vary, long ticket)
    {
        var normalized = snapshot.Project.NormalizedName;
        var files = SimpleRenderer.Files(snapshot);
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
        // Kept even when the upstream failed: it is served only while an upstream page is fresh, so the next
        // request after the upstream answers again makes it anew.
        cache.Set(normalized, rendered.Variant, rendered, ticket);
        await PageResults.WriteAsync(ctx, rendered, cacheControl, vary);
    }

    /// <summary>The upstream's file entry behind a proxied file URL, or null (with the answer already written).</summary>
    public async Task<UpstreamFile?> FindFileAsync(HttpContext ctx, string normalized, string sha256, string filename)
    {
        // A local name's files come from local uploads only, unless it merges the upstream.
        var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
        if (await db.Projects.AnyAsync(p => p.NormalizedName == normalized, ctx.RequestAborted) &&
            !await IsMergedAsync(db, normalized, ctx.RequestAborted))
        {
            await PageResults.NotFoundText().ExecuteAsync(ctx);
            return null;
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
        var body = format == SimpleFormat.JsonV1 ? SimpleDetailPage.Json(normalized, files, serial, tracks) : SimpleDetailPage.Html(normalized, files, serial, tracks);
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
