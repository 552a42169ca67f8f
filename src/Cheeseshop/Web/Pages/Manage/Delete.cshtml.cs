using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/account/delete: the password, then everything personal goes.</summary>
public sealed class DeleteAccountModel(AccountDeletionService deletion) : AccountPageModel
{
    [BindProperty(Name = "password")] public string? Password { get; set; }

    public IReadOnlyList<string> SoleOwnerOf { get; private set; } = [];

    protected override async Task LoadAsync() => SoleOwnerOf = await deletion.SoleOwnerProjectsAsync(CurrentUserId, Ct);

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        await deletion.DeleteAsync(CurrentUserId, Password, Ct);
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return Done("Your account was deleted. Thank you for having been part of this index.", "/Account/Login");
    });
}
