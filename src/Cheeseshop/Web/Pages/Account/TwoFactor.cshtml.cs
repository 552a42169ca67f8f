using Cheeseshop.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.SecurityKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>The second step of signing in: a security key, a code from the authenticator app, or one recovery code.</summary>
public sealed class TwoFactorLoginModel(SignInService signIn, SecurityKeySignIn keys, CheeseshopDb db) : AccountPageModel
{
    [BindProperty(Name = "code")] public string? Code { get; set; }
    [BindProperty(Name = "recovery_code")] public string? RecoveryCode { get; set; }
    [BindProperty(Name = "next", SupportsGet = true)] public string? Next { get; set; }
    [BindProperty(Name = "webauthn_token")] public string? WebAuthnToken { get; set; }
    [BindProperty(Name = "webauthn_response")] public string? WebAuthnResponse { get; set; }

    /// <summary>Whether the account has an authenticator app (else the code form is not offered).</summary>
    public bool HasTotp { get; private set; } = true;
    /// <summary>A fresh challenge for the account's security keys, if it has any.</summary>
    public KeyCeremony? KeyChallenge { get; private set; }

    protected override async Task LoadAsync()
    {
        if (await SessionCookie.PendingTwoFactorAsync(HttpContext) is not var (userId, _)) return;
        HasTotp = await db.Users.AnyAsync(u => u.Id == userId && u.TotpSecretProtected != null, Ct);
        if (await SessionCookie.PendingIdAsync(HttpContext) is { } pendingId)
            KeyChallenge = await keys.BeginAsync(userId, pendingId, RelyingParty.Of(HttpContext), Ct);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await SessionCookie.PendingTwoFactorAsync(HttpContext) is null)
            return Done("Your sign-in took too long to finish. Sign in again.", "/Account/Login");
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostTotpAsync() => AttemptAsync(async () =>
    {
        var (userId, stamp) = await PendingAsync();
        var user = await signIn.CheckTotpAsync(userId, stamp, Code, Ct);
        return await FinishAsync(user, SignInService.TwoFactorMethodTotp, "totp");
    });

    public Task<IActionResult> OnPostSecurityKeyAsync() => AttemptAsync(async () =>
    {
        var (userId, stamp) = await PendingAsync();
        var pendingId = await SessionCookie.PendingIdAsync(HttpContext) ?? throw Expired();
        var (user, keyName) = await keys.CheckAsync(userId, stamp, pendingId, RelyingParty.Of(HttpContext), WebAuthnToken, WebAuthnResponse, Ct);
        return await FinishAsync(user, SignInService.TwoFactorMethodSecurityKey, keyName);
    });

    public Task<IActionResult> OnPostRecoveryAsync() => AttemptAsync(async () =>
    {
        var (userId, stamp) = await PendingAsync();
        var user = await signIn.CheckRecoveryCodeAsync(userId, stamp, RecoveryCode, Ct);
        var result = await FinishAsync(user, SignInService.TwoFactorMethodRecoveryCode, null);
        Notice = "You signed in with a recovery code, which now cannot be used again. If your authenticator or key is lost, " +
                 "remove it on your two-factor page and set up a new one; you can also make new recovery codes there.";
        return result;
    });

    private static AccountException Expired() =>
        AccountException.BadRequest("This sign-in has expired (the second step must follow within 5 minutes). Sign in again.");

    private async Task<(Guid, string)> PendingAsync() => await SessionCookie.PendingTwoFactorAsync(HttpContext) ?? throw Expired();

    private async Task<IActionResult> FinishAsync(User user, string method, string? label)
    {
        await signIn.CompleteAsync(user, method, label, Ct, await SessionCookie.PendingMethodAsync(HttpContext));
        await HttpContext.SignOutAsync(SessionCookie.TwoFactorScheme);
        await SessionCookie.SignInAsync(HttpContext, user);
        return RedirectToLocal(Next);
    }
}
