using System.Globalization;
using System.Text;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Web;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Browse.HtmlPage;

namespace Cheeseshop.Browse;

/// <summary>
/// The home page: a search box, the index's counts and the latest releases. Kept in the page cache
/// under the whole-index key, which every upload, yank or removal drops; accounts are not index
/// changes, so the user count is also refreshed once the page is a minute old.
/// </summary>
public sealed class HomePage(PageCache cache, HtmlPage page, TimeProvider clock)
{
    private const string Variant = "home";
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private const int LatestCount = 20;

    private sealed record Stamped(RenderedPage Page, DateTimeOffset At);
    private Stamped? _last;

    public async Task ServeAsync(HttpContext ctx)
    {
        SecurityHeadersFilter.Apply(ctx.Response);
        var last = Volatile.Read(ref _last);
        if (!cache.TryGet(PageCache.IndexKey, Variant, out var rendered) || last is null || !ReferenceEquals(last.Page, rendered)
            || clock.GetUtcNow() - last.At > MaxAge)
        {
            var ticket = cache.Watch();
            var at = clock.GetUtcNow();
            rendered = await RenderAsync(ctx.RequestServices.GetRequiredService<CheeseshopDb>(), ctx.RequestAborted);
            cache.Set(PageCache.IndexKey, Variant, rendered, ticket);
            Volatile.Write(ref _last, new Stamped(rendered, at));
        }
        await PageResults.WriteAsync(ctx, rendered, PageResults.Revalidate, PageResults.VaryEncoding, cors: false);
    }

    private async Task<RenderedPage> RenderAsync(CheeseshopDb db, CancellationToken ct)
    {
        var serial = await db.Journals.MaxAsync(j => (long?)j.Id, ct) ?? 0;
        var counts = new (string Label, long Count)[]
        {
            ("project", await db.Projects.LongCountAsync(ct)),
            ("release", await db.Releases.LongCountAsync(ct)),
            ("file", await db.Files.LongCountAsync(ct)),
            ("user", await db.Users.LongCountAsync(u => u.IsActive && u.DeletedAt == null, ct)),
        };
        var latest = await db.Releases.AsNoTracking()
            .OrderByDescending(r => r.Created).Take(LatestCount)
            .Select(r => new { r.Project!.Name, r.Project.NormalizedName, r.Version, r.Summary, r.Created, r.Yanked })
            .ToListAsync(ct);
        var body = page.Write("Home", sb =>
        {
            sb.Append("<div class=\"hero\">\n<h1>Find, install and publish Python packages</h1>\n")
                .Append("<form action=\"/search/\" method=\"get\" role=\"search\">\n<label class=\"skip\" for=\"q\">Search projects</label>\n")
                .Append("<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"Search projects\">\n<button type=\"submit\">Search</button>\n</form>\n</div>\n")
                .Append("<h2 class=\"skip\">This index holds</h2>\n<ul class=\"counts\">\n");
            foreach (var (label, count) in counts)
                sb.Append("<li><strong>").Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append("</strong> ").Append(label).Append(count == 1 ? "" : "s").Append("</li>\n");
            sb.Append("</ul>\n<section aria-labelledby=\"latest\">\n<h2 id=\"latest\">Latest releases</h2>\n");
            if (latest.Count == 0) sb.Append("<p class=\"meta\">Nothing has been published yet.</p>\n");
            else
            {
                sb.Append("<ul class=\"releases\">\n");
                foreach (var r in latest)
                {
                    sb.Append("<li><a href=\"/project/").Append(Seg(r.NormalizedName)).Append('/').Append(Seg(r.Version)).Append("/\">")
                        .Append(H(r.Name)).Append(' ').Append(H(r.Version)).Append("</a> ").Append(Date(r.Created));
                    if (r.Yanked) sb.Append("<span class=\"badge yanked\">yanked</span>");
                    if (!string.IsNullOrWhiteSpace(r.Summary)) sb.Append("<br><span class=\"meta\">").Append(H(r.Summary)).Append("</span>");
                    sb.Append("</li>\n");
                }
                sb.Append("</ul>\n");
            }
            sb.Append("<p><a href=\"/rss/updates.xml\">Latest releases as RSS</a></p>\n</section>\n");
        }, "/rss/updates.xml");
        return new RenderedPage(Variant, body, ContentType, serial);
    }
}
