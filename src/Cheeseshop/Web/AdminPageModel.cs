using Cheeseshop.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web;

/// <summary>
/// What every /admin page shares. Only a signed-in administrator sees them; everyone else gets a plain 404, so
/// the area is not revealed to people who cannot use it. An administrator without a second factor (an
/// authenticator app or a security key) is sent to set one up first: a stolen password alone must not reach these pages.
/// </summary>
public abstract class AdminPageModel : AccountPageModel
{
    public const string TwoFactorSetup = "/manage/account/two-factor";

    /// <summary>The signed-in administrator's username.</summary>
    public string AdminName { get; private set; } = "";

    /// <summary>How the admin audit log names this administrator: the username (the CLI writes "cli:OS_USER").</summary>
    protected string Actor => AdminName;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var id = SessionCookie.UserId(User);
        var db = HttpContext.RequestServices.GetRequiredService<CheeseshopDb>();
        var admin = id is null ? null : await db.Users.AsNoTracking()
            .Where(u => u.Id == id && u.IsAdmin && u.IsActive && !u.IsFrozen && u.DeletedAt == null)
            .Select(u => new { u.Username, TwoFactor = u.TotpSecretProtected != null || db.SecurityKeys.Any(k => k.UserId == u.Id) })
            .FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (admin is null)
        {
            context.Result = NotFound();
            return;
        }
        if (!admin.TwoFactor)
        {
            Notice = "Turn on two-factor authentication first: the admin pages need it.";
            context.Result = Redirect(TwoFactorSetup);
            return;
        }
        AdminName = admin.Username;
        await next();
    }
}
