using Cheeseshop.Core.Manage;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/project/{name}: a project as administrators see it, and its removal (Index/ReleaseAdmin, the one
/// way the index is written), confirmed by typing its name.</summary>
public sealed class ProjectModel(CheeseshopDb db, ReleaseAdmin releases) : AdminPageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(Name = "confirm_project_name")] public string? ConfirmProjectName { get; set; }

    public sealed record Summary(string Name, string NormalizedName, DateTime Created, int Releases, int Files, long TotalSize,
        List<(string Username, string Role)> Roles);

    public Summary? Shown { get; private set; }

    protected override async Task LoadAsync()
    {
        var key = ProjectName.Normalize(Name.Trim());
        var p = await db.Projects.AsNoTracking().FirstOrDefaultAsync(x => x.NormalizedName == key, Ct);
        if (p is null) return;
        var roles = await db.Roles.AsNoTracking().Where(r => r.ProjectId == p.Id).OrderBy(r => r.User!.NormalizedUsername)
            .Select(r => new { r.User!.Username, r.RoleName }).ToListAsync(Ct);
        Shown = new Summary(p.Name, p.NormalizedName, p.Created,
            await db.Releases.CountAsync(r => r.ProjectId == p.Id, Ct), await db.Files.CountAsync(f => f.ProjectId == p.Id, Ct),
            p.TotalSize, roles.Select(r => (r.Username, r.RoleName)).ToList());
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        if (Shown is null) throw new AdminException($"No project named '{Name}'.", 404);
        return Page();
    });

    public Task<IActionResult> OnPostRemoveAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        if (Shown is null) throw new AdminException($"No project named '{Name}'.", 404);
        if (ManageRules.ConfirmProjectName(ConfirmProjectName, Shown.Name) is { } problem) throw new AdminException(problem);
        await releases.RemoveProjectAsync(Shown.NormalizedName, Actor, Ct);
        return Done($"{Shown.Name} is removed with its {Shown.Releases} releases and {Shown.Files} files. Their filenames can never be used again.", "/Admin/Index");
    });
}
