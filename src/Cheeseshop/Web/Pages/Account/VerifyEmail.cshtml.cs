using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>Opening the emailed link verifies the address; it needs no session (it may be opened on a phone).</summary>
public sealed class VerifyEmailModel(EmailAddressService emails) : AccountPageModel
{
    [BindProperty(Name = "token", SupportsGet = true)] public string? Token { get; set; }

    public string? Verified { get; private set; }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        Verified = await emails.VerifyAsync(Token, Ct);
        return Page();
    });
}
