using Cheeseshop.Accounts;
using Cheeseshop.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>The second step of signing in, for accounts with TOTP: a code, or one recovery code.</summary>
public sealed class TwoFactorLoginModel(SignInService signIn) : AccountPageModel
{
    [BindProperty(Name = "code")] public string? Code { get; set; }
    [BindProperty(Name = "recovery_code")] public string? RecoveryCode { get; set; }
    [BindProperty(Name = "next", SupportsGet = true)] public string? Next { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await SessionCookie.PendingTwoFactorAsync(HttpContext) is null)
            return Done("Your sign-in took too long to finish. Sign in again.", "/Account/Login");
        return Page();
    }

    public Task<IActionResult> OnPostTotpAsync() => AttemptAsync(async () =>
    {
        var (userId, stamp) = await PendingAsync();
        var user = await signIn.CheckTotpAsync(userId, stamp, Code, Ct);
        return await FinishAsync(user, SignInService.TwoFactorMethodTotp, "totp");
    });

    public Task<IActionResult> OnPostRecoveryAsync() => AttemptAsync(async () =>
    {
        var (userId, stamp) = await PendingAsync();
        var user = await signIn.CheckRecoveryCodeAsync(userId, stamp, RecoveryCode, Ct);
        var result = await FinishAsync(user, SignInService.TwoFactorMethodRecoveryCode, null);
        Notice = "You signed in with a recovery code, which now cannot be used again. If your authenticator is lost, " +
                 "turn two-factor authentication off and on again to set up a new one and get new codes.";
        return result;
    });

    private async Task<(Guid, string)> PendingAsync() =>
        await SessionCookie.PendingTwoFactorAsync(HttpContext)
        ?? throw AccountException.BadRequest("This sign-in has expired (the second step must follow within 5 minutes). Sign in again.");

    private async Task<IActionResult> FinishAsync(User user, string method, string? label)
    {
        await signIn.CompleteAsync(user, method, label, Ct, await SessionCookie.PendingMethodAsync(HttpContext));
        await HttpContext.SignOutAsync(SessionCookie.TwoFactorScheme);
        await SessionCookie.SignInAsync(HttpContext, user);
        return RedirectToLocal(Next);
    }
}
