using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Api.Simple;

/// <summary>/simple/ and /simple/{project}/: what pip, uv and poetry resolve from.</summary>
public static class SimpleEndpoints
{
    // Clients revalidate with the ETag on every use: a new upload is visible at once, and an
    // unchanged page costs a 304. (PyPI lets its CDN keep pages for 10 minutes.)
    private const string CacheControl = "max-age=0, must-revalidate, public";

    public static void MapSimple(this IEndpointRouteBuilder app)
    {
        // Routing ignores a trailing slash, so one route serves both forms and redirects the bare one.
        app.MapMethods("/simple/", ["GET", "HEAD"], IndexAsync);
        app.MapMethods("/simple/{project}/", ["GET", "HEAD"], DetailAsync);
    }

    private static SimpleFormat Negotiate(HttpContext ctx)
    {
        var format = SimpleNegotiation.Choose(ctx.Request.Headers.Accept, ctx.Request.Query["format"]);
        ctx.Response.Headers.Vary = "Accept";
        return format;
    }

    private static async Task IndexAsync(HttpContext ctx, PageCache cache, CheeseshopDb db)
    {
        if (!ctx.Request.Path.Value!.EndsWith('/'))
        {
            await PageResults.RedirectWithCors(ctx, "/simple/" + ctx.Request.QueryString).ExecuteAsync(ctx);
            return;
        }
        var format = Negotiate(ctx);
        var variant = format.ToString();
        if (!cache.TryGet(PageCache.IndexKey, variant, out var page))
        {
            var token = cache.Watch(PageCache.IndexKey);
            var projects = await db.Projects.AsNoTracking()
                .OrderBy(p => p.NormalizedName)
                .Select(p => new SimpleRenderer.IndexEntry(p.Name, p.NormalizedName, p.LastSerial))
                .ToListAsync(ctx.RequestAborted);
            var serial = await db.Journals.MaxAsync(j => (long?)j.Id, ctx.RequestAborted) ?? 0;
            var body = format == SimpleFormat.JsonV1 ? SimpleRenderer.IndexJson(projects, serial) : SimpleRenderer.IndexHtml(projects);
            page = new RenderedPage(body, SimpleNegotiation.ContentType(format), serial);
            cache.Set(PageCache.IndexKey, variant, page, token);
        }
        await PageResults.WriteAsync(ctx, page, CacheControl);
    }

    private static async Task DetailAsync(HttpContext ctx, string project, PageCache cache, CheeseshopDb db)
    {
        var normalized = ProjectName.Normalize(project);
        if (normalized != project || !ctx.Request.Path.Value!.EndsWith('/'))
        {
            await PageResults.RedirectWithCors(ctx, $"/simple/{normalized}/{ctx.Request.QueryString}").ExecuteAsync(ctx);
            return;
        }
        var format = Negotiate(ctx);
        var variant = format.ToString();
        if (!cache.TryGet(normalized, variant, out var page))
        {
            var token = cache.Watch(normalized);
            var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
            if (snapshot is null)
            {
                await PageResults.NotFoundText().ExecuteAsync(ctx);
                return;
            }
            var body = format == SimpleFormat.JsonV1 ? SimpleRenderer.DetailJson(snapshot) : SimpleRenderer.DetailHtml(snapshot);
            page = new RenderedPage(body, SimpleNegotiation.ContentType(format), snapshot.Project.LastSerial);
            cache.Set(normalized, variant, page, token);
        }
        await PageResults.WriteAsync(ctx, page, CacheControl);
    }
}
