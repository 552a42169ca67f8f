using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Cheeseshop.Web;

/// <summary>
/// A form whose CSRF token is missing or forged gets ASP.NET's bare 400. This keeps the 400 and adds
/// words: most often it is an honest stale tab (the token belongs to an older sign-in), and the fix is
/// to reload the page.
/// </summary>
public sealed class AntiforgeryMessageFilter : IAlwaysRunResultFilter
{
    public const string Message =
        "This form could not be accepted: its security token is missing, expired or does not belong to this browser's session. " +
        "Reload the page and submit the form again. (This protects you from other sites submitting forms in your name.)";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
            context.Result = new ContentResult { StatusCode = 400, Content = Message, ContentType = "text/plain; charset=utf-8" };
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
