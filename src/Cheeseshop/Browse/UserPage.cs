using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Web;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Browse.HtmlPage;

namespace Cheeseshop.Browse;

/// <summary>
/// /user/{name}/: the projects a user has a role on and the month they joined; nothing else (no
/// email address, no display name, no last sign-in). Rendered per request from one small query, as
/// account changes (roles, renames, deletion) do not pass through the index's change feed; the
/// ETag is the body's digest, so a browser that has the page gets a 304.
/// </summary>
public static class UserPage
{
    public static async Task ServeAsync(HttpContext ctx, string username, HtmlPage page)
    {
        var db = ctx.RequestServices.GetRequiredService<CheeseshopDb>();
        var normalized = Usernames.Normalize(username);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUsername == normalized && u.DeletedAt == null)
            .Select(u => new { u.Id, u.Username, u.DateJoined })
            .FirstOrDefaultAsync(ctx.RequestAborted);
        if (user is null)
        {
            await BrowseEndpoints.NotFoundAsync(ctx, page, $"There is no user named '{username}' on this index.");
            return;
        }
        if (user.Username != username || !ctx.Request.Path.Value!.EndsWith('/'))
        {
            SecurityHeadersFilter.Apply(ctx.Response);
            await Results.Redirect($"/user/{Seg(user.Username)}/", permanent: true).ExecuteAsync(ctx);
            return;
        }
        var projects = await db.Roles.AsNoTracking().Where(r => r.UserId == user.Id)
            .Select(r => new { r.Project!.Name, r.Project.NormalizedName, r.RoleName })
            .ToListAsync(ctx.RequestAborted);
        var body = page.Write(user.Username, sb =>
        {
            sb.Append("<h1>").Append(H(user.Username)).Append("</h1>\n<p class=\"meta\">Joined ")
                .Append(user.DateJoined.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)).Append("</p>\n")
                .Append("<section aria-labelledby=\"projects\">\n<h2 id=\"projects\">Projects (").Append(projects.Count).Append(")</h2>\n");
            if (projects.Count == 0) sb.Append("<p class=\"meta\">This user has no projects.</p>\n");
            else
            {
                sb.Append("<ul class=\"releases\">\n");
                foreach (var p in projects.OrderBy(p => p.NormalizedName, StringComparer.Ordinal))
                    sb.Append("<li><a href=\"/project/").Append(Seg(p.NormalizedName)).Append("/\">").Append(H(p.Name)).Append("</a> <span class=\"meta\">")
                        .Append(H(p.RoleName)).Append("</span></li>\n");
                sb.Append("</ul>\n");
            }
            sb.Append("</section>\n");
        });
        var etag = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body).AsSpan(0, 8))}\"";
        ctx.Response.Headers.ETag = etag;
        ctx.Response.Headers.CacheControl = PageResults.Revalidate;
        if (PageResults.Matches(ctx.Request.Headers.IfNoneMatch, etag))
        {
            SecurityHeadersFilter.Apply(ctx.Response);
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        await BrowseEndpoints.WriteHtmlAsync(ctx, body, StatusCodes.Status200OK);
    }
}
