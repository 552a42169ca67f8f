using Cheeseshop.Sso;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web.Pages.Account;

/// <summary>"Sign in with ...": sends the browser to the provider (authorization request with PKCE).</summary>
public sealed class SsoLoginModel(SsoOptions sso) : PageModel
{
    [BindProperty(Name = "next", SupportsGet = true)] public string? Next { get; set; }

    public IActionResult OnGet()
    {
        if (!sso.Enabled) return NotFound();
        var properties = new AuthenticationProperties { RedirectUri = "/manage/projects" };
        if (!string.IsNullOrEmpty(Next) && Url.IsLocalUrl(Next)) properties.Items[SsoServices.NextItem] = Next;
        return Challenge(properties, SsoServices.Scheme);
    }
}
