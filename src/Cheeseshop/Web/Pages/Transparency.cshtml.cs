using Cheeseshop.Core.Disclosure;
using Cheeseshop.Disclosure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web.Pages;

/// <summary>/transparency: the public transparency report (its body is TransparencyFormats.HtmlFragment, HTML-encoded there).</summary>
public sealed class TransparencyModel(TransparencyService transparency) : PageModel
{
    public TransparencyReport? Report { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] string? period)
    {
        try
        {
            Report = await transparency.BuildAsync(string.IsNullOrEmpty(period) ? null : HalfYear.Parse(period), null, HttpContext.RequestAborted);
        }
        catch (DisclosureInputException e)
        {
            Error = e.Message.Replace("--period", "period");
            Response.StatusCode = 400;
        }
        return Page();
    }
}
