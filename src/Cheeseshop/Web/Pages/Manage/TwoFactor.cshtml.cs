using Cheeseshop.Accounts;
using Cheeseshop.Data;
using Cheeseshop.SecurityKeys;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/account/two-factor: an authenticator app (TOTP), security keys, and the recovery codes that
/// stand in for either.</summary>
public sealed class TwoFactorModel(CheeseshopDb db, TwoFactorService twoFactor, SecurityKeyService securityKeys) : AccountPageModel
{
    [BindProperty(Name = "enrolment")] public string? EnrolmentToken { get; set; }
    [BindProperty(Name = "code")] public string? Code { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "key_name")] public string? KeyName { get; set; }
    [BindProperty(Name = "key_id")] public long KeyId { get; set; }
    [BindProperty(Name = "webauthn_token")] public string? WebAuthnToken { get; set; }
    [BindProperty(Name = "webauthn_response")] public string? WebAuthnResponse { get; set; }

    public bool Enabled { get; private set; }
    public int UnusedRecoveryCodes { get; private set; }
    public TotpEnrolment? Enrolment { get; private set; }
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }
    public IReadOnlyList<SecurityKeyView> Keys { get; private set; } = [];
    public KeyCeremony? KeyRegistration { get; private set; }

    /// <summary>Whether any second factor is on (the recovery codes' section shows then).</summary>
    public bool AnyFactor => Enabled || Keys.Count > 0;

    protected override async Task LoadAsync()
    {
        var user = await db.RequireUserAsync(CurrentUserId, Ct);
        Enabled = user.TotpSecretProtected is not null;
        Keys = await securityKeys.ListAsync(user.Id, Ct);
        if (AnyFactor) UnusedRecoveryCodes = await twoFactor.UnusedRecoveryCodesAsync(user.Id, Ct);
        // A refused code keeps the same key on screen, so the app the person just set up stays valid.
        if (!Enabled && Enrolment is null) Enrolment = await twoFactor.BeginAsync(user.Id, Ct);
        KeyRegistration = await securityKeys.BeginRegistrationAsync(user.Id, RelyingParty.Of(HttpContext), Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostEnableAsync() => AttemptAsync(async () =>
    {
        try
        {
            NewRecoveryCodes = await twoFactor.ConfirmAsync(CurrentUserId, EnrolmentToken, Code, Ct);
        }
        catch (AccountException e) when (e.Status == 400)
        {
            Enrolment = await twoFactor.ResumeEnrolmentAsync(CurrentUserId, EnrolmentToken, Ct);
            throw;
        }
        Notice = "Two-factor authentication is on.";
        return Page();
    });

    public Task<IActionResult> OnPostRegenerateAsync() => AttemptAsync(async () =>
    {
        NewRecoveryCodes = await twoFactor.RegenerateRecoveryCodesAsync(CurrentUserId, Password, Ct);
        Notice = "New recovery codes were made; the old ones no longer work.";
        return Page();
    });

    public Task<IActionResult> OnPostDisableAsync() => AttemptAsync(async () =>
    {
        await twoFactor.DisableAsync(CurrentUserId, Password, Ct);
        return Done("The authenticator app was removed from your account.", "/Manage/Account");
    });

    public Task<IActionResult> OnPostAddKeyAsync() => AttemptAsync(async () =>
    {
        var codes = await securityKeys.FinishRegistrationAsync(
            CurrentUserId, RelyingParty.Of(HttpContext), WebAuthnToken, KeyName, WebAuthnResponse, Ct);
        if (codes is null) return Done($"The security key \"{KeyName?.Trim()}\" was added.");
        NewRecoveryCodes = codes;
        Notice = $"The security key \"{KeyName?.Trim()}\" was added: two-factor authentication is on.";
        return Page();
    });

    public Task<IActionResult> OnPostRemoveKeyAsync() => AttemptAsync(async () =>
    {
        var name = await securityKeys.RemoveAsync(CurrentUserId, KeyId, Password, Ct);
        return Done($"The security key \"{name}\" was removed.");
    });
}
