using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>Signing out is a POST (with its CSRF token): a link or an image on another site cannot do it.</summary>
public sealed class LogoutModel : AccountPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        await HttpContext.SignOutAsync(SessionCookie.TwoFactorScheme);
        return Done("You are signed out.", "/Account/Login");
    }
}
