using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.RateLimits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Cheeseshop.Web.Pages.Account;

[EnableRateLimiting(RateLimitRegistration.Registration)]
public sealed class RegisterModel(RegistrationService registration, SignInService signIn) : AccountPageModel
{
    [BindProperty(Name = "username")] public string? Username { get; set; }
    [BindProperty(Name = "display_name")] public string? DisplayName { get; set; }
    [BindProperty(Name = "email")] public string? Email { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "password_confirm")] public string? PasswordConfirm { get; set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/manage/account") : Page();

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        if (PasswordPolicy.ConfirmationProblem(Password, PasswordConfirm) is { } mismatch) throw AccountException.BadRequest(mismatch);
        var user = await registration.RegisterAsync(Username, DisplayName, Email, Password, Ct);
        // As on PyPI, a new account is signed in at once; uploads and tokens wait for the verified address.
        await signIn.CompleteAsync(user, "registration", null, Ct);
        await SessionCookie.SignInAsync(HttpContext, user);
        return Done($"Welcome, {user.Username}! We sent a link to {Email!.Trim()}: open it to verify your address.", "/Manage/Account");
    });
}
