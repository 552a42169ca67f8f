using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/project/{name}/collaborators: roles and invitations of one project.</summary>
public sealed class CollaboratorsModel(RoleService roles) : AccountPageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(Name = "username")] public string? Username { get; set; }
    [BindProperty(Name = "role")] public string? Role { get; set; }
    [BindProperty(Name = "invitation_id")] public long InvitationId { get; set; }

    public ProjectCollaborators? Project { get; private set; }

    protected override async Task LoadAsync()
    {
        try
        {
            Project = await roles.CollaboratorsAsync(CurrentUserId, Name, Ct);
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

    public Task<IActionResult> OnPostInviteAsync() => AttemptAsync(async () =>
    {
        await roles.InviteAsync(CurrentUserId, Name, Username, Role, Ct);
        return Done($"{Username!.Trim()} was invited. They will find the invitation on their projects page.");
    });

    public Task<IActionResult> OnPostRevokeAsync() => AttemptAsync(async () =>
    {
        await roles.RevokeInvitationAsync(CurrentUserId, Name, InvitationId, Ct);
        return Done("The invitation was revoked.");
    });

    public Task<IActionResult> OnPostChangeAsync() => AttemptAsync(async () =>
    {
        await roles.ChangeAsync(CurrentUserId, Name, Username, Role, Ct);
        return Done($"{Username} is now {(Role == "Owner" ? "an" : "a")} {Role}.");
    });

    public Task<IActionResult> OnPostRemoveAsync() => AttemptAsync(async () =>
    {
        await roles.RemoveAsync(CurrentUserId, Name, Username, Ct);
        return Done($"{Username} no longer has a role on this project.");
    });
}
