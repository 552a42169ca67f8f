using System.Globalization;
using System.Text;
using System.Xml;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.JsonApi;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Browse;

public enum RssFeed { Updates, Packages }

/// <summary>
/// PyPI's three public feeds, with its element names and its counts (the 40 newest items):
/// /rss/updates.xml (releases), /rss/packages.xml (projects, by when they were created) and
/// /rss/project/{name}/releases.xml. Links are absolute (PublicUrl, or the request's own host), so the
/// cached feed is kept per host like the JSON API.
/// </summary>
public static class RssFeeds
{
    private const int Count = 40;
    private const string ContentType = "text/xml; charset=utf-8";

    private sealed record Item(string Title, string Link, string? Description, DateTime Published, bool Guid);

    public static async Task IndexFeedAsync(HttpContext ctx, RssFeed feed, PageCache cache, CheeseshopOptions options)
    {
        var origin = JsonApiEndpoints.Origin(ctx, options);
        var variant = (feed == RssFeed.Updates ? "rss-updates|" : "rss-packages|") + origin;
        if (!cache.TryGet(PageCache.IndexKey, variant, out var page))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var serial = await db.Journals.MaxAsync(j => (long?)j.Id, ctx.RequestAborted) ?? 0;
            var body = feed == RssFeed.Updates
                ? Write("Cheeseshop recent updates", "Recent updates to this Python package index", origin + "/",
                    await UpdatesAsync(db, origin, ctx.RequestAborted))
                : Write("Cheeseshop newest packages", "Newest packages registered at this Python package index", origin + "/",
                    await PackagesAsync(db, origin, ctx.RequestAborted));
            page = new RenderedPage(variant, body, ContentType, serial);
            cache.Set(PageCache.IndexKey, variant, page, ticket);
        }
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, PageResults.VaryEncoding, cors: false);
    }

    public static async Task ProjectFeedAsync(HttpContext ctx, string project, PageCache cache, CheeseshopOptions options)
    {
        var normalized = ProjectName.IsNormalized(project) ? project : ProjectName.Normalize(project);
        if (normalized != project)
        {
            await Results.Redirect($"/rss/project/{HtmlPage.Seg(normalized)}/releases.xml", permanent: true).ExecuteAsync(ctx);
            return;
        }
        var origin = JsonApiEndpoints.Origin(ctx, options);
        var variant = "rss|" + origin;
        if (!cache.TryGet(normalized, variant, out var page))
        {
            var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
            var ticket = cache.Watch();
            var snapshot = await ProjectSnapshot.LoadAsync(db, normalized, ctx.RequestAborted);
            if (snapshot is null)
            {
                await PageResults.NotFoundText().ExecuteAsync(ctx);
                return;
            }
            var items = snapshot.Releases.OrderByDescending(r => r.Release.Created).Take(Count)
                .Select(r => new Item(r.Release.Version, origin + ProjectPage.ReleaseUrl(snapshot, r), r.Release.Summary, r.Release.Created, false));
            var name = snapshot.Project.Name;
            var body = Write($"Cheeseshop recent updates for {name}", $"Recent updates to this Python package index for {name}",
                origin + ProjectPage.ProjectUrl(snapshot), items);
            page = new RenderedPage(variant, body, ContentType, snapshot.Project.LastSerial);
            cache.Set(normalized, variant, page, ticket);
        }
        await PageResults.WriteAsync(ctx, page, PageResults.Revalidate, PageResults.VaryEncoding, cors: false);
    }

    private static async Task<IEnumerable<Item>> UpdatesAsync(CheeseshopDb db, string origin, CancellationToken ct)
    {
        var rows = await db.Releases.AsNoTracking().OrderByDescending(r => r.Created).Take(Count)
            .Select(r => new { r.Project!.Name, r.Project.NormalizedName, r.Version, r.Summary, r.Created }).ToListAsync(ct);
        return rows.Select(r => new Item($"{r.Name} {r.Version}",
            $"{origin}/project/{HtmlPage.Seg(r.NormalizedName)}/{HtmlPage.Seg(r.Version)}/", r.Summary, r.Created, false));
    }

    private static async Task<IEnumerable<Item>> PackagesAsync(CheeseshopDb db, string origin, CancellationToken ct)
    {
        var projects = await db.Projects.AsNoTracking().OrderByDescending(p => p.Created).Take(Count)
            .Select(p => new { p.Id, p.NormalizedName, p.Created }).ToListAsync(ct);
        var ids = projects.Select(p => p.Id).ToList();
        // The summary of each project's first release, as PyPI describes a new project.
        var firsts = (await db.Releases.AsNoTracking().Where(r => ids.Contains(r.ProjectId))
                .Select(r => new { r.ProjectId, r.Summary, r.Created }).ToListAsync(ct))
            .GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Created).First().Summary);
        return projects.Select(p => new Item($"{p.NormalizedName} added to Cheeseshop",
            $"{origin}/project/{HtmlPage.Seg(p.NormalizedName)}/", firsts.GetValueOrDefault(p.Id), p.Created, true));
    }

    private static byte[] Write(string title, string description, string link, IEnumerable<Item> items)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("rss");
            w.WriteAttributeString("version", "2.0");
            w.WriteStartElement("channel");
            w.WriteElementString("title", title);
            w.WriteElementString("link", link);
            w.WriteElementString("description", description);
            w.WriteElementString("language", "en");
            foreach (var item in items)
            {
                w.WriteStartElement("item");
                w.WriteElementString("title", item.Title);
                w.WriteElementString("link", item.Link);
                if (item.Guid) w.WriteElementString("guid", item.Link);
                w.WriteElementString("description", XmlSafe(item.Description ?? ""));
                w.WriteElementString("pubDate", item.Published.ToString("r", CultureInfo.InvariantCulture));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return ms.ToArray();
    }

    /// <summary>Characters XML 1.0 cannot carry at all (most control characters) are dropped rather than
    /// failing the whole feed for one summary.</summary>
    private static string XmlSafe(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : new string(text.Where(XmlConvert.IsXmlChar).ToArray());
}
