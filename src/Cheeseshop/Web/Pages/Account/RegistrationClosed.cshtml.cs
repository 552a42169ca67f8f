using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>
/// /account/register when Registration is Closed (AccountPages routes this page or the register page there,
/// never both). Both GET and POST answer 404 with the explanation. The form post carries no CSRF token worth
/// checking: nothing is done with it, so a missing token must not turn the 404 into a 400.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class RegistrationClosedModel : PageModel
{
    public IActionResult OnGet() => Closed();

    public IActionResult OnPost() => Closed();

    private IActionResult Closed()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
