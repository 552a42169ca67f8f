using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/projects: the user's projects and roles, and invitations waiting for an answer.</summary>
public sealed class ProjectsModel(RoleService roles) : AccountPageModel
{
    [BindProperty(Name = "invitation_id")] public long InvitationId { get; set; }

    public IReadOnlyList<MyProject> Projects { get; private set; } = [];
    public IReadOnlyList<PendingInvitation> Invitations { get; private set; } = [];

    protected override async Task LoadAsync()
    {
        Projects = await roles.MyProjectsAsync(CurrentUserId, Ct);
        Invitations = await roles.MyInvitationsAsync(CurrentUserId, Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostAcceptAsync() => AttemptAsync(async () =>
        Done($"You joined {await roles.AcceptAsync(CurrentUserId, InvitationId, Ct)}."));

    public Task<IActionResult> OnPostDeclineAsync() => AttemptAsync(async () =>
        Done($"You declined the invitation to {await roles.DeclineAsync(CurrentUserId, InvitationId, Ct)}."));
}
