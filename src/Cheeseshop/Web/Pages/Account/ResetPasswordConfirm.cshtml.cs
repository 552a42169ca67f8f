using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>The page the reset link opens. The link works once: using it changes the security stamp it carries.</summary>
public sealed class ResetPasswordConfirmModel(PasswordService passwords) : AccountPageModel
{
    [BindProperty(Name = "token", SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(Name = "new_password")] public string? NewPassword { get; set; }
    [BindProperty(Name = "password_confirm")] public string? PasswordConfirm { get; set; }

    public string? Username { get; private set; }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        Username = (await passwords.ReadResetLinkAsync(Token, Ct)).Username;
        return Page();
    });

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        if (PasswordPolicy.ConfirmationProblem(NewPassword, PasswordConfirm) is { } mismatch)
        {
            Username = (await passwords.ReadResetLinkAsync(Token, Ct)).Username;
            throw AccountException.BadRequest(mismatch);
        }
        var user = await passwords.ResetAsync(Token, NewPassword, Ct);
        // Whatever session this browser had belongs to the old password.
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return Done($"The password of {user.Username} was changed and every session was signed out. Sign in with the new password.", "/Account/Login");
    });

    /// <summary>A refused new password keeps the form on screen, as long as the link itself is still good.</summary>
    protected override async Task LoadAsync()
    {
        if (Username is not null) return;
        try
        {
            Username = (await passwords.ReadResetLinkAsync(Token, Ct)).Username;
        }
        catch (AccountException)
        {
            // The error above already says why the link does not work.
        }
    }
}
