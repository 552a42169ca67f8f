using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Cheeseshop.Upstream;
using Cheeseshop.Web;

namespace Cheeseshop.Browse;

/// <summary>
/// The public pages for people: home, project and release pages, user pages and the RSS feeds. They
/// are mapped in the read group, so a private index asks for credentials before any of them (or the
/// page cache behind them) runs. Project pages and feeds are rendered once per change of the
/// project's serial and kept in the same page cache as the Simple API; the home page and the index
/// feeds under the whole-index key, which every change drops.
/// </summary>
public static class BrowseEndpoints
{
    private static readonly string[] GetHead = ["GET", "HEAD"];

    public static IServiceCollection AddBrowsePages(this IServiceCollection services)
    {
        services.AddSingleton<HtmlPage>();
        services.AddSingleton<HomePage>();
        return services;
    }

    public static void MapBrowse(this IEndpointRouteBuilder reads)
    {
        var sp = reads.ServiceProvider;
        var cache = sp.GetRequiredService<PageCache>();
        var page = sp.GetRequiredService<HtmlPage>();
        var options = sp.GetRequiredService<CheeseshopOptions>();
        var home = sp.GetRequiredService<HomePage>();
        var upstream = sp.GetRequiredService<UpstreamProxy>() is { Enabled: true } proxy ? proxy : null;
        reads.MapMethods("/", GetHead, ctx => home.ServeAsync(ctx));
        reads.MapMethods("/project/{project}/", GetHead, ctx =>
            ProjectAsync(ctx, (string)ctx.Request.RouteValues["project"]!, null, cache, page, upstream));
        reads.MapMethods("/project/{project}/{version}/", GetHead, ctx =>
            ProjectAsync(ctx, (string)ctx.Request.RouteValues["project"]!, (string)ctx.Request.RouteValues["version"]!, cache, page, upstream));
        reads.MapMethods("/user/{username}/", GetHead, ctx => UserPage.ServeAsync(ctx, (string)ctx.Request.RouteValues["username"]!, page));
        reads.MapMethods("/rss/updates.xml", GetHead, ctx => RssFeeds.IndexFeedAsync(ctx, RssFeed.Updates, cache, options));
        reads.MapMethods("/rss/packages.xml", GetHead, ctx => RssFeeds.IndexFeedAsync(ctx, RssFeed.Packages, cache, options));
        reads.MapMethods("/rss/project/{project}/releases.xml", GetHead, ctx =>
            RssFeeds.ProjectFeedAsync(ctx, (string)ctx.Request.RouteValues["project"]!, cache, options));
    }

    /// <param name="upstream">The upstream proxy when one is configured: it answers for names this index does not hold.</param>
    private static async Task ProjectAsync(HttpContext ctx, string project, string? version, PageCache cache, HtmlPage page, UpstreamProxy? upstream)
    {
        SecurityHeadersFilter.Apply(ctx.Response);
        var normalized = ProjectName.IsNormalized(project) ? project : ProjectName.Normalize(project);
        if (normalized != project || !ctx.Request.Path.Value!.EndsWith('/'))
        {
            var target = $"/project/{HtmlPage.Seg(normalized)}/" + (version is null ? "" : HtmlPage.Seg(version) + "/");
            await Results.Redirect(target, permanent: true).ExecuteAsync(ctx);
            return;
        }
        var variant = version is null ? "page" : "page|" + version;
        if (!UpstreamProxy.TryGetCached(cache, upstream, normalized, variant, out var rendered))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
            // A name this index does not hold may be the upstream's: its page is shown from the cached upstream
            // data and kept under the upstream variant (the upstream cache, not the journal, decides when it changes).
            var proxied = false;
            if (snapshot is null && upstream is not null)
            {
                try
                {
                    snapshot = await UpstreamEndpoints.ProxiedSnapshotAsync(ctx, normalized, ctx.RequestServices.GetRequiredService<UpstreamPages>());
                    proxied = snapshot is not null;
                }
                catch (UpstreamException e)
                {
                    await UpstreamProxy.BadGatewayAsync(ctx, e.Message);
                    return;
                }
            }
            var shown = version is null ? snapshot?.Latest : snapshot?.Find(version);
            if (snapshot is null || shown is null)
            {
                await NotFoundAsync(ctx, page, snapshot is null ? $"There is no project named '{project}' on this index."
                    : version is null ? $"The project '{snapshot.Project.Name}' has no releases."
                    : $"The project '{snapshot.Project.Name}' has no release '{version}'.");
                return;
            }
            // A version written another way (1.0.0 for 1.0, 1.0A1 for 1.0a1) is sent to the release's own URL.
            if (version is not null && shown.Release.Version != version)
            {
                await Results.Redirect(ProjectPage.ReleaseUrl(snapshot, shown), permanent: true).ExecuteAsync(ctx);
                return;
            }
            var body = ProjectPage.Render(page, snapshot, shown, version is not null);
            rendered = new RenderedPage(proxied ? UpstreamProxy.Variant(variant) : variant, body, HtmlPage.ContentType, snapshot.Project.LastSerial);
            cache.Set(normalized, rendered.Variant, rendered, ticket);
        }
        await PageResults.WriteAsync(ctx, rendered, PageResults.Revalidate, PageResults.VaryEncoding, cors: false);
    }

    public static Task NotFoundAsync(HttpContext ctx, HtmlPage page, string message) =>
        WriteHtmlAsync(ctx, page.NotFound(message), StatusCodes.Status404NotFound);

    /// <summary>A page rendered for this request alone (a 404, a user page), with the page headers.</summary>
    public static Task WriteHtmlAsync(HttpContext ctx, byte[] body, int status)
    {
        SecurityHeadersFilter.Apply(ctx.Response);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = HtmlPage.ContentType;
        ctx.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.Body.WriteAsync(body).AsTask();
    }
}
