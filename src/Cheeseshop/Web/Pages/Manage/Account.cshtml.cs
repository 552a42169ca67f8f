using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/account: name, addresses, password; links to two-factor, tokens and deletion.</summary>
public sealed class AccountModel(CheeseshopDb db, ProfileService profile, EmailAddressService emails, PasswordService passwords)
    : AccountPageModel
{
    [BindProperty(Name = "display_name")] public string? DisplayName { get; set; }
    [BindProperty(Name = "email")] public string? Email { get; set; }
    [BindProperty(Name = "email_id")] public long EmailId { get; set; }
    [BindProperty(Name = "current_password")] public string? CurrentPassword { get; set; }
    [BindProperty(Name = "new_password")] public string? NewPassword { get; set; }
    [BindProperty(Name = "password_confirm")] public string? PasswordConfirm { get; set; }

    public User? Me { get; private set; }
    public bool TwoFactorOn { get; private set; }

    protected override async Task LoadAsync()
    {
        Me = await db.RequireUserAsync(CurrentUserId, Ct);
        TwoFactorOn = await SignInService.HasSecondFactorAsync(db, Me, Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostDisplayNameAsync() => AttemptAsync(async () =>
    {
        var name = await profile.ChangeDisplayNameAsync(CurrentUserId, DisplayName, Ct);
        return Done(name.Length == 0 ? "Your name was removed." : $"Your name is now \"{name}\".");
    });

    public Task<IActionResult> OnPostAddEmailAsync() => AttemptAsync(async () =>
    {
        var added = await emails.AddAsync(CurrentUserId, Email, Ct);
        return Done($"{added.Email} was added. We sent a link to it: open it to verify the address.");
    });

    public Task<IActionResult> OnPostRemoveEmailAsync() => AttemptAsync(async () =>
        Done($"{await emails.RemoveAsync(CurrentUserId, EmailId, Ct)} was removed from your account."));

    public Task<IActionResult> OnPostPrimaryEmailAsync() => AttemptAsync(async () =>
        Done($"{await emails.MakePrimaryAsync(CurrentUserId, EmailId, Ct)} is now your primary address."));

    public Task<IActionResult> OnPostResendEmailAsync() => AttemptAsync(async () =>
        Done($"We sent a new verification link to {await emails.ResendVerificationAsync(CurrentUserId, EmailId, Ct)}."));

    public Task<IActionResult> OnPostPasswordAsync() => AttemptAsync(async () =>
    {
        if (PasswordPolicy.ConfirmationProblem(NewPassword, PasswordConfirm, "new passwords") is { } mismatch)
            throw AccountException.BadRequest(mismatch);
        var user = await passwords.ChangeAsync(CurrentUserId, CurrentPassword, NewPassword, Ct);
        await SessionCookie.RenewAsync(HttpContext, user);
        return Done("Your password was changed. Every other session was signed out.");
    });
}
