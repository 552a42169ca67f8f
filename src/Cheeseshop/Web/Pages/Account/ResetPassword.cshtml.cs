using Cheeseshop.Accounts;
using Cheeseshop.RateLimits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>Asks for a reset link. The answer is the same whether or not an account matched.</summary>
[EnableRateLimiting(RateLimitRegistration.PasswordReset)]
public sealed class ResetPasswordModel(PasswordService passwords) : AccountPageModel
{
    [BindProperty(Name = "username_or_email")] public string? UsernameOrEmail { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        await passwords.RequestResetAsync(UsernameOrEmail, Ct);
        Sent = true;
        return Page();
    });
}
