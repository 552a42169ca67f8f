using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Invitations;
using Cheeseshop.RateLimits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>
/// The page an invitation link opens, whatever the registration setting: the invitee chooses a username and
/// password, and is signed in. A link that does not work (unknown, used, revoked, expired) gets a page that
/// says which, with 404 or 410.
/// </summary>
[EnableRateLimiting(RateLimitRegistration.Registration)]
public sealed class InvitationModel(InvitationService invitations, SignInService signIn) : AccountPageModel
{
    [BindProperty(Name = "token", SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(Name = "username")] public string? Username { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "password_confirm")] public string? PasswordConfirm { get; set; }

    /// <summary>The invited address, while the link works.</summary>
    public string? Email { get; private set; }

    public Task<IActionResult> OnGetAsync() => AttemptInvitationAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostAsync() => AttemptInvitationAsync(async () =>
    {
        if (PasswordPolicy.ConfirmationProblem(Password, PasswordConfirm) is { } mismatch) throw AccountException.BadRequest(mismatch);
        var user = await invitations.AcceptAsync(Token, Username, Password, Ct);
        await signIn.CompleteAsync(user, "invitation", null, Ct);
        await SessionCookie.SignInAsync(HttpContext, user);
        return Done($"Welcome, {user.Username}! Your account is ready and {user.PrimaryEmail()?.Email} is verified.", "/Manage/Account");
    });

    /// <summary>A refused username or password keeps the form on screen, as long as the link itself still works.</summary>
    protected override async Task LoadAsync() => Email = (await invitations.OpenAsync(Token, Ct)).Email;

    private async Task<IActionResult> AttemptInvitationAsync(Func<Task<IActionResult>> action)
    {
        try
        {
            return await AttemptAsync(action);
        }
        catch (InvitationRefusedException e)
        {
            Email = null;
            Error = e.Message;
            var page = Page();
            page.StatusCode = e.Status;
            return page;
        }
    }
}
