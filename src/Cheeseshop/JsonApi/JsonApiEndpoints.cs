using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Upstream;

namespace Cheeseshop.JsonApi;

public static class JsonApiEndpoints
{
    public const string ContentType = "application/json";

    public static void MapJsonApi(this IEndpointRouteBuilder app)
    {
        // Plain request delegates over the singletons: a cached page is served without creating the
        // request's service scope.
        var cache = app.ServiceProvider.GetRequiredService<PageCache>();
        var options = app.ServiceProvider.GetRequiredService<CheeseshopOptions>();
        var upstream = app.ServiceProvider.GetRequiredService<UpstreamProxy>() is { Enabled: true } proxy ? proxy : null;
        app.MapMethods("/pypi/{project}/json", ["GET", "HEAD"], ctx =>
            ServeAsync(ctx, (string)ctx.Request.RouteValues["project"]!, null, cache, options, upstream));
        app.MapMethods("/pypi/{project}/{version}/json", ["GET", "HEAD"], ctx =>
            ServeAsync(ctx, (string)ctx.Request.RouteValues["project"]!, (string)ctx.Request.RouteValues["version"]!, cache, options, upstream));
    }

    /// <param name="upstream">The upstream proxy when one is configured: it answers for names this index does not hold.</param>
    private static async Task ServeAsync(HttpContext ctx, string project, string? version, PageCache cache, CheeseshopOptions options, UpstreamProxy? upstream)
    {
        var normalized = ProjectName.IsNormalized(project) ? project : ProjectName.Normalize(project);
        if (normalized != project)
        {
            var target = version is null ? $"/pypi/{normalized}/json" : $"/pypi/{normalized}/{Uri.EscapeDataString(version)}/json";
            await PageResults.RedirectWithCors(ctx, target).ExecuteAsync(ctx);
            return;
        }
        var origin = Origin(ctx, options);
        var variant = version is null ? origin : origin + "|" + version;
        if (!UpstreamProxy.TryGetCached(cache, upstream, normalized, variant, out var page))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
            var shown = version is null ? snapshot?.Latest : snapshot?.Find(version);
            // A name this index does not hold may be the upstream's (from its cached page).
            if (snapshot is null && upstream is not null &&
                await UpstreamEndpoints.TryServeJsonAsync(ctx, normalized, version, origin, variant, ticket, ctx.RequestServices.GetRequiredService<UpstreamPages>(), cache))
                return;
            if (snapshot is null || shown is null)
            {
                PageResults.Cors(ctx);
                await Results.Json(new { message = "Not Found" }, statusCode: 404).ExecuteAsync(ctx);
                return;
            }
            var body = JsonApiRenderer.Render(snapshot, shown, origin, includeReleases: version is null);
            page = new RenderedPage(variant, body, ContentType, snapshot.Project.LastSerial);
            cache.Set(normalized, variant, page, ticket);
        }
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, PageResults.VaryEncoding);
    }

    /// <summary>The scheme and host that absolute URLs in the JSON API start with: PublicUrl when it is
    /// set, otherwise what the request named.</summary>
    public static string Origin(HttpContext ctx, CheeseshopOptions options) =>
        options.PublicUrl is not null ? options.PublicUrl.TrimEnd('/') : $"{ctx.Request.Scheme}://{ctx.Request.Host.Value}";
}
