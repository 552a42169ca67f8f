using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Account;

public sealed class LoginModel(SignInService signIn) : AccountPageModel
{
    [BindProperty(Name = "username")] public string? Username { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "next", SupportsGet = true)] public string? Next { get; set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? RedirectToLocal(Next) : Page();

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        await HttpContext.SignOutAsync(SessionCookie.TwoFactorScheme);
        var user = await signIn.CheckPasswordAsync(Username, Password, Ct);
        if (await signIn.HasSecondFactorAsync(user, Ct))
        {
            await SessionCookie.BeginTwoFactorAsync(HttpContext, user);
            return RedirectToPage("/Account/TwoFactor", new { next = Next });
        }
        await signIn.CompleteAsync(user, null, null, Ct);
        await SessionCookie.SignInAsync(HttpContext, user);
        return RedirectToLocal(Next);
    });
}
