using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Upstream;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Simple;

/// <summary>/simple/ and /simple/{project}/: what pip, uv and poetry resolve from.</summary>
public static class SimpleEndpoints
{
    public static void MapSimple(this IEndpointRouteBuilder app)
    {
        // Routing ignores a trailing slash, so one route serves both forms and redirects the bare one.
        // Plain request delegates over the singleton cache: a cached page is served without creating
        // the request's service scope (only a miss asks for the database).
        var cache = app.ServiceProvider.GetRequiredService<PageCache>();
        var upstream = app.ServiceProvider.GetRequiredService<UpstreamProxy>() is { Enabled: true } proxy ? proxy : null;
        app.MapMethods("/simple/", ["GET", "HEAD"], ctx => IndexAsync(ctx, cache));
        app.MapMethods("/simple/{project}/", ["GET", "HEAD"], ctx => DetailAsync(ctx, (string)ctx.Request.RouteValues["project"]!, cache, upstream));
    }

    private static readonly string[] VariantNames = Enum.GetNames<SimpleFormat>();
    private static readonly Microsoft.Extensions.Primitives.StringValues VaryAccept = "Accept, Accept-Encoding";

    // Clients send the same few Accept headers over and over (pip's, uv's, a browser's): remember
    // each one's answer instead of parsing it per request. Bounded so odd headers cannot grow it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SimpleFormat> Negotiated = new();

    private static SimpleFormat Negotiate(HttpContext ctx)
    {
        ctx.Response.Headers.Vary = VaryAccept;
        if (ctx.Request.QueryString.HasValue)
            return SimpleNegotiation.Choose(ctx.Request.Headers.Accept, ctx.Request.Query["format"]);
        var accept = ctx.Request.Headers.Accept.ToString();
        if (Negotiated.TryGetValue(accept, out var known)) return known;
        var format = SimpleNegotiation.Choose(accept);
        if (Negotiated.Count < 256) Negotiated.TryAdd(accept, format);
        return format;
    }

    private static async Task IndexAsync(HttpContext ctx, PageCache cache)
    {
        if (!ctx.Request.Path.Value!.EndsWith('/'))
        {
            await PageResults.RedirectWithCors(ctx, "/simple/" + ctx.Request.QueryString).ExecuteAsync(ctx);
            return;
        }
        var format = Negotiate(ctx);
        var variant = VariantNames[(int)format];
        if (!cache.TryGet(PageCache.IndexKey, variant, out var page))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var projects = await db.Projects.AsNoTracking()
                .OrderBy(p => p.NormalizedName)
                .Select(p => new SimpleRenderer.IndexEntry(p.Name, p.NormalizedName, p.LastSerial))
                .ToListAsync(ctx.RequestAborted);
            var serial = await db.Journals.MaxAsync(j => (long?)j.Id, ctx.RequestAborted) ?? 0;
            var body = format == SimpleFormat.JsonV1 ? SimpleRenderer.IndexJson(projects, serial) : SimpleRenderer.IndexHtml(projects);
            page = new RenderedPage(variant, body, SimpleNegotiation.ContentType(format), serial);
            cache.Set(PageCache.IndexKey, variant, page, ticket);
        }
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, VaryAccept);
    }

    /// <param name="upstream">The upstream proxy when one is configured: it answers for names this index does not
    /// hold, and for local projects set to merge the upstream's files.</param>
    private static async Task DetailAsync(HttpContext ctx, string project, PageCache cache, UpstreamProxy? upstream)
    {
        var normalized = ProjectName.IsNormalized(project) ? project : ProjectName.Normalize(project);
        if (normalized != project || !ctx.Request.Path.Value!.EndsWith('/'))
        {
            await PageResults.RedirectWithCors(ctx, $"/simple/{normalized}/{ctx.Request.QueryString}").ExecuteAsync(ctx);
            return;
        }
        var format = Negotiate(ctx);
        var variant = VariantNames[(int)format];
        if (!UpstreamProxy.TryGetCached(cache, upstream, normalized, variant, out var page))
        {
            // The database is touched only on a miss: a hit costs a dictionary lookup and a write.
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
            if (snapshot is null)
            {
                if (upstream is not null) await upstream.ServeSimpleAsync(ctx, normalized, format, PageResults.Revalidate, VaryAccept, ticket);
                else await PageResults.NotFoundText().ExecuteAsync(ctx);
                return;
            }
            if (upstream is not null && await UpstreamProxy.IsMergedAsync(db, normalized, ctx.RequestAborted))
            {
                await upstream.ServeMergedAsync(ctx, snapshot, format, PageResults.Revalidate, VaryAccept, ticket);
                return;
            }
            var body = format == SimpleFormat.JsonV1 ? SimpleRenderer.DetailJson(snapshot) : SimpleRenderer.DetailHtml(snapshot);
            page = new RenderedPage(variant, body, SimpleNegotiation.ContentType(format), snapshot.Project.LastSerial);
            cache.Set(normalized, variant, page, ticket);
        }
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, VaryAccept);
    }
}
