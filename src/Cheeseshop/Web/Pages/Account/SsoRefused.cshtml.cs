using Cheeseshop.Configuration;
using Cheeseshop.Sso;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>Why a sign-in through the provider found no account here; answered with 403.</summary>
public sealed class SsoRefusedModel(SsoOptions sso, CheeseshopOptions options) : PageModel
{
    [BindProperty(Name = "reason", SupportsGet = true)] public string? Reason { get; set; }

    public string Message { get; private set; } = "";

    public IActionResult OnGet()
    {
        Message = Reason switch
        {
            SsoAccounts.NoAccount => options.Registration == RegistrationMode.Closed
                ? $"{sso.DisplayName} signed you in, but no account on this index has your verified email address, and new accounts " +
                  "are made only by an administrator. Ask one to create your account (with the same address), then sign in again."
                : $"{sso.DisplayName} signed you in, but your email address is already used by another account here, unverified. " +
                  "Sign in to that account with its password and verify the address, then sign in again.",
            SsoAccounts.UnverifiedEmail => $"{sso.DisplayName} did not give a verified email address for you, so no account here " +
                                           "can be matched to you. Verify your address with your identity provider, then sign in again.",
            SsoAccounts.Inactive => "The account linked to your identity is frozen, deactivated or deleted. Contact this index's administrators.",
            SsoAccounts.AlreadyLinked => $"The account with your email address is already linked to another {sso.DisplayName} identity. " +
                                         "Contact this index's administrators.",
            _ => $"Signing in with {sso.DisplayName} did not complete (it was cancelled, took too long, or the answer could not be checked). Try again.",
        };
        Response.StatusCode = 403;
        return Page();
    }
}
