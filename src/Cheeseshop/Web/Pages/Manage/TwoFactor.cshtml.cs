using Cheeseshop.Accounts;
using Cheeseshop.Data;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/account/two-factor: set up TOTP, see and renew recovery codes, turn it off.</summary>
public sealed class TwoFactorModel(CheeseshopDb db, TwoFactorService twoFactor) : AccountPageModel
{
    [BindProperty(Name = "enrolment")] public string? EnrolmentToken { get; set; }
    [BindProperty(Name = "code")] public string? Code { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }

    public bool Enabled { get; private set; }
    public int UnusedRecoveryCodes { get; private set; }
    public TotpEnrolment? Enrolment { get; private set; }
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    protected override async Task LoadAsync()
    {
        var user = await db.RequireUserAsync(CurrentUserId, Ct);
        Enabled = user.TotpSecretProtected is not null;
        if (Enabled) UnusedRecoveryCodes = await twoFactor.UnusedRecoveryCodesAsync(user.Id, Ct);
        // A refused code keeps the same key on screen, so the app the person just set up stays valid.
        else if (Enrolment is null) Enrolment = await twoFactor.BeginAsync(user.Id, Ct);
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
        return Done("Two-factor authentication is off, and your recovery codes were deleted.", "/Manage/Account");
    });
}
