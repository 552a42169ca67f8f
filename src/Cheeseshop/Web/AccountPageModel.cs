using Cheeseshop.Accounts;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Cheeseshop.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web;

/// <summary>
/// What every account page shares: the signed-in user's id, a notice carried across a redirect, and
/// the rule that a refused form is shown again with the reason and a 4xx status (never a bare error).
/// </summary>
public abstract class AccountPageModel : PageModel
{
    /// <summary>Why the last form was refused, shown above the forms.</summary>
    public string? Error { get; set; }

    /// <summary>What the last form did, shown once after the redirect that follows it.</summary>
    [TempData] public string? Notice { get; set; }

    protected Guid CurrentUserId => SessionCookie.UserId(User) ?? throw new AccountException(401, "Sign in first.");

    protected CancellationToken Ct => HttpContext.RequestAborted;

    /// <summary>Loads what the page shows; called for GET and again when a form is refused.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs a form's action. A refusal (of an account rule, of an index or admin change, of a legal
    /// request's input, or a mail relay that cannot deliver) re-renders this page with the message and its status.</summary>
    protected async Task<IActionResult> AttemptAsync(Func<Task<IActionResult>> action)
    {
        try
        {
            return await action();
        }
        catch (AccountException e)
        {
            if (e.RetryAfter is { } wait)
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return await RefuseAsync(e.Status, e.Message);
        }
        catch (AdminException e)
        {
            return await RefuseAsync(e.Status, e.Message);
        }
        catch (DisclosureInputException e)
        {
            return await RefuseAsync(400, e.Message);
        }
        catch (MailDeliveryException e)
        {
            return await RefuseAsync(503, e.Message);
        }
    }

    protected async Task<IActionResult> RefuseAsync(int status, string message)
    {
        // Whatever the refused action had staged must not be saved by anything that runs later.
        HttpContext.RequestServices.GetRequiredService<CheeseshopDb>().ChangeTracker.Clear();
        Error = message;
        await LoadAsync();
        var page = Page();
        page.StatusCode = status;
        return page;
    }

    /// <summary>Post/redirect/get with a one-time notice.</summary>
    protected IActionResult Done(string notice, string? pageName = null, object? routeValues = null)
    {
        Notice = notice;
        return pageName is null ? RedirectToPage(routeValues) : RedirectToPage(pageName, routeValues);
    }

    /// <summary>Only paths on this site: a "next" parameter must not send people elsewhere.</summary>
    protected IActionResult RedirectToLocal(string? next, string fallback = "/manage/projects") =>
        LocalRedirect(!string.IsNullOrEmpty(next) && Url.IsLocalUrl(next) ? next : fallback);
}
