using Cheeseshop.Accounts;
using Cheeseshop.Index;
using Cheeseshop.Manage;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/project/{name}/: releases and files with yank, unyank and delete (Owners), and the project's
/// security history (Owners and Maintainers). Every change goes through Index/ReleaseAdmin, as the CLI's do.</summary>
public sealed class ProjectModel(ProjectManagement management, ReleaseAdmin releases) : AccountPageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(Name = "version")] public string? Version { get; set; }
    [BindProperty(Name = "filename")] public string? Filename { get; set; }
    [BindProperty(Name = "yanked_reason")] public string? YankedReason { get; set; }
    [BindProperty(Name = "confirm_project_name")] public string? ConfirmProjectName { get; set; }
    [FromQuery(Name = "page")] public int HistoryPage { get; set; } = 1;

    public ManagedProject? Project { get; private set; }

    protected override async Task LoadAsync()
    {
        try
        {
            Project = await management.LoadAsync(CurrentUserId, Name, Math.Max(1, HistoryPage), Ct);
        }
        catch (AccountException) when (Error is not null)
        {
            // Already refusing for a reason of its own; the page shows that reason alone.
        }
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostYankAsync() => ChangeAsync(async () =>
    {
        await releases.YankAsync(Name, Version ?? "", YankedReason, CurrentUserId, Ct);
        return $"Release {Version} is yanked: installers skip it unless it is pinned with ==.";
    });

    public Task<IActionResult> OnPostUnyankAsync() => ChangeAsync(async () =>
    {
        await releases.UnyankAsync(Name, Version ?? "", CurrentUserId, Ct);
        return $"Release {Version} is no longer yanked.";
    });

    public Task<IActionResult> OnPostDeleteReleaseAsync() => ChangeAsync(async () =>
    {
        await releases.RemoveReleaseAsync(Name, Version ?? "", CurrentUserId, Ct, confirmation: ConfirmProjectName ?? "");
        return $"Release {Version} and its files are deleted. Their filenames can never be used again.";
    });

    public Task<IActionResult> OnPostDeleteFileAsync() => ChangeAsync(async () =>
    {
        await releases.RemoveFileAsync(Name, Filename ?? "", CurrentUserId, Ct, confirmation: ConfirmProjectName ?? "");
        return $"{Filename} is deleted. Its filename can never be used again.";
    });

    /// <summary>A change that succeeds redirects back with its notice; a refusal re-renders the page.</summary>
    private Task<IActionResult> ChangeAsync(Func<Task<string>> change) => AttemptAsync(async () => Done(await change()));
}
