using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/: finds users and projects by name, and prohibits a project name (Projects/ProjectAdmin, as
/// `projects prohibit` does).</summary>
public sealed class IndexModel(CheeseshopDb db, ProjectAdmin projects) : AdminPageModel
{
    public const int Shown = 50;

    [FromQuery(Name = "q")] public string? Query { get; set; }
    [BindProperty(Name = "name")] public string? ProhibitName { get; set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }

    public sealed record Hit(string Name, string Link, string Note);

    public List<Hit> Users { get; private set; } = [];
    public List<Hit> Projects { get; private set; } = [];

    protected override async Task LoadAsync()
    {
        var q = Query?.Trim();
        if (string.IsNullOrEmpty(q) || q.Length > 200) return;
        var key = q.ToLowerInvariant();
        var users = await db.Users.AsNoTracking()
            // The accounts /admin/user/{name} shows: a deactivated one has nothing an administrator can act on there.
            .Where(u => u.NormalizedUsername.Contains(key) && u.PasswordHash != null && u.IsActive && u.DeletedAt == null)
            .OrderBy(u => u.NormalizedUsername != key).ThenBy(u => u.NormalizedUsername).Take(Shown)
            .Select(u => new { u.Username, u.IsAdmin, u.IsFrozen }).ToListAsync(Ct);
        Users = users.Select(u => new Hit(u.Username, $"/admin/user/{u.Username}",
            u.IsFrozen ? "disabled" : u.IsAdmin ? "administrator" : "")).ToList();
        var projectKey = ProjectName.Normalize(q);
        var found = await db.Projects.AsNoTracking()
            .Where(p => p.NormalizedName.Contains(projectKey))
            .OrderBy(p => p.NormalizedName != projectKey).ThenBy(p => p.NormalizedName).Take(Shown)
            .Select(p => new { p.Name, p.NormalizedName }).ToListAsync(Ct);
        Projects = found.Select(p => new Hit(p.Name, $"/admin/project/{p.NormalizedName}", "")).ToList();
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostProhibitAsync() => AttemptAsync(async () =>
    {
        await projects.ProhibitAsync(ProhibitName ?? "", Reason ?? "", Actor, Ct);
        return Done($"The name '{ProjectName.Normalize(ProhibitName!.Trim())}' is prohibited: uploads of it are refused.");
    });
}
