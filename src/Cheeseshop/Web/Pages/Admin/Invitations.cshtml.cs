using Cheeseshop.Invitations;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/invitations: invites someone by email (Invitations/InvitationService, as `users invite` does),
/// lists the invitations still waiting and revokes one.</summary>
public sealed class InvitationsModel(InvitationService invitations) : AdminPageModel
{
    [BindProperty(Name = "email")] public string? Email { get; set; }
    [BindProperty(Name = "id")] public string? Id { get; set; }

    public List<PendingInvitation> Pending { get; private set; } = [];

    protected override async Task LoadAsync() => Pending = await invitations.PendingAsync(Ct);

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostInviteAsync() => AttemptAsync(async () =>
    {
        var invitation = await invitations.InviteAsync(Email, Actor, Ct);
        return Done($"An invitation was sent to {invitation.Email}. Its link works until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
    });

    public Task<IActionResult> OnPostRevokeAsync() => AttemptAsync(async () =>
    {
        if (!Guid.TryParseExact(Id?.Trim() ?? "", "N", out var id)) throw new Index.AdminException("There is no such invitation.", 404);
        await invitations.RevokeAsync(id, Actor, Ct);
        return Done("The invitation was revoked: its link no longer works.");
    });
}
