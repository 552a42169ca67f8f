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
        app.MapMethods(DetailRoute, ["GET", "HEAD"], ctx => DetailAsync(ctx, cache, upstream));
    }

    private const string Prefix = "/simple/", DetailRoute = Prefix + "{project}/";

    /// <summary>
    /// Sends GET and HEAD /simple/NAME/ to the project's endpoint before the route matcher runs. The matcher finds
    /// the same endpoint, but allocates a route-value dictionary and the name's string for it: on the request pip
    /// makes most, that was most of what serving a cached page allocated, and so most of the collector's work
    /// under load. The endpoint reads the name from the path either way. Not for a private index, whose read check
    /// looks at the route values. Goes before UseRouting, which then leaves the endpoint as it is.
    /// </summary>
    public static void UseSimpleProjectRoute(this WebApplication app)
    {
        Endpoint? detail = null;
        app.Use((ctx, next) =>
        {
            if (IsDetailPath(ctx.Request.Path.Value) && (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method)))
                ctx.SetEndpoint(detail ??= app.Services.GetRequiredService<EndpointDataSource>().Endpoints
                    .OfType<RouteEndpoint>().Single(e => e.RoutePattern.RawText == DetailRoute));
            return next(ctx);
        });
    }

    /// <summary>/simple/NAME/ with one non-empty segment, as the matcher would send to <see cref="DetailRoute"/>; the name
    /// is <see cref="DetailName"/>.</summary>
    public static bool IsDetailPath(string? path) =>
        path is not null && path.Length > Prefix.Length + 1 && path.StartsWith(Prefix, StringComparison.Ordinal) && path[^1] == '/'
        && path.AsSpan(Prefix.Length, path.Length - Prefix.Length - 1).IndexOf('/') < 0;

    /// <summary>The project segment of a path the detail route matched: /simple/NAME/, or /simple/NAME (which
    /// is redirected).</summary>
    public static ReadOnlySpan<char> DetailName(string path)
    {
        var name = path.AsSpan(Prefix.Length);
        return name.EndsWith('/') ? name[..^1] : name;
    }

    private static readonly string[] VariantNames = Enum.GetNames<SimpleFormat>();
    /// <summary>Vary of every Simple page: its format follows Accept, its coding Accept-Encoding.</summary>
    internal static readonly Microsoft.Extensions.Primitives.StringValues VaryAccept = "Accept, Accept-Encoding";

    // Clients send the same few Accept headers over and over (pip's, uv's, a browser's): remember
    // each one's answer instead of parsing it per request. Bounded so odd headers cannot grow it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SimpleFormat> Negotiated = new();

    /// <summary>The format the client asked for. Every answer in a format says Vary: Accept when it writes its page
    /// (PageResults.WriteAsync), so this sets no header.</summary>
    private static SimpleFormat Negotiate(HttpContext ctx)
    {
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
    private static Task DetailAsync(HttpContext ctx, PageCache cache, UpstreamProxy? upstream)
    {
        var path = ctx.Request.Path.Value!;
        var project = DetailName(path);
        if (!ProjectName.IsNormalized(project) || !path.EndsWith('/'))
            return PageResults.RedirectWithCors(ctx, $"/simple/{ProjectName.Normalize(project.ToString())}/{ctx.Request.QueryString}").ExecuteAsync(ctx);
        var format = Negotiate(ctx);
        var variant = VariantNames[(int)format];
        // A hit costs a dictionary lookup by the name inside the path (which allocates nothing), and a write.
        return UpstreamProxy.TryGetCached(cache, upstream, project, variant, out var page)
            ? PageResults.WriteAsync(ctx, page, PageResults.Revalidate, VaryAccept)
            : RenderAsync(ctx, project.ToString(), format, variant, cache, upstream);
    }

    /// <summary>A miss: the project's page from the database (or the upstream's), kept in the cache.</summary>
    private static async Task RenderAsync(HttpContext ctx, string normalized, SimpleFormat format, string variant, PageCache cache, UpstreamProxy? upstream)
    {
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
        var page = new RenderedPage(variant, body, SimpleNegotiation.ContentType(format), snapshot.Project.LastSerial);
        cache.Set(normalized, variant, page, ticket);
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, VaryAccept);
    }
}
