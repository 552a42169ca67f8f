using System.Security.Claims;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web;

/// <summary>
/// The signed-in session: an encrypted cookie (Data Protection) and nothing in the database. The
/// cookie carries the account's security stamp and the time of sign-in; every request with it checks
/// the stamp against the users row, so a password change, a reset or a deletion ends every session
/// at once, and a session never outlives 12 hours however active it is. Idle sessions end after 2
/// hours (sliding expiry).
/// </summary>
public static class SessionCookie
{
    public const string Scheme = "cheeseshop-session";
    /// <summary>Between the password and the second factor: who passed step one, for 5 minutes.</summary>
    public const string TwoFactorScheme = "cheeseshop-two-factor";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(2);
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(12);
    public static readonly TimeSpan TwoFactorTimeout = TimeSpan.FromMinutes(5);

    private const string StampClaim = "cheeseshop:stamp";
    private const string AuthTimeClaim = "cheeseshop:auth_time";
    private const string MethodClaim = "cheeseshop:method";
    /// <summary>A random id of one pending sign-in, which a security key's challenge is bound to.</summary>
    private const string PendingIdClaim = "cheeseshop:pending";

    public static void Configure(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "cheeseshop_session";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        // Secure whenever the request came over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto).
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = IdleTimeout;
        o.SlidingExpiration = true;
        o.LoginPath = "/account/login";
        o.LogoutPath = "/account/logout";
        o.AccessDeniedPath = "/account/login";
        o.ReturnUrlParameter = "next";
        o.Events.OnValidatePrincipal = ValidateAsync;
    }

    public static void ConfigureTwoFactor(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "cheeseshop_two_factor";
        o.Cookie.Path = "/account";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TwoFactorTimeout;
        o.SlidingExpiration = false;
    }

    private static TimeProvider Clock(HttpContext http) => http.RequestServices.GetRequiredService<TimeProvider>();

    public static Task SignInAsync(HttpContext http, User user, DateTimeOffset? authTime = null)
    {
        var identity = new ClaimsIdentity(Claims(user, authTime ?? Clock(http).GetUtcNow()), Scheme, ClaimTypes.Name, ClaimTypes.Role);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    /// <summary>After the password changed in this browser: this session goes on with the new stamp (and
    /// its original sign-in time, so the 12-hour limit is not reset); all others end.</summary>
    public static Task RenewAsync(HttpContext http, User user) =>
        SignInAsync(http, user, AuthTime(http.User) ?? Clock(http).GetUtcNow());

    /// <param name="method">How step one was passed (password or single sign-on), for the sign-in event.</param>
    public static Task BeginTwoFactorAsync(HttpContext http, User user, string method = Accounts.SignInService.MethodPassword)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(StampClaim, user.SecurityStamp), new Claim(MethodClaim, method),
             new Claim(PendingIdClaim, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))],
            TwoFactorScheme);
        return http.SignInAsync(TwoFactorScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Who passed the password step in this browser, if that was less than 5 minutes ago.</summary>
    public static async Task<(Guid UserId, string Stamp)?> PendingTwoFactorAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(TwoFactorScheme);
        if (!result.Succeeded) return null;
        var id = result.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = result.Principal.FindFirstValue(StampClaim);
        return Guid.TryParse(id, out var userId) && stamp is not null ? (userId, stamp) : null;
    }

    /// <summary>The pending sign-in's own id (each password step makes a new one).</summary>
    public static async Task<string?> PendingIdAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(TwoFactorScheme);
        return result.Succeeded ? result.Principal.FindFirstValue(PendingIdClaim) : null;
    }

    /// <summary>How the pending sign-in passed step one.</summary>
    public static async Task<string> PendingMethodAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(TwoFactorScheme);
        return result.Principal?.FindFirstValue(MethodClaim) ?? Accounts.SignInService.MethodPassword;
    }

    public static Guid? UserId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static DateTimeOffset? AuthTime(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(AuthTimeClaim), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static Claim[] Claims(User user, DateTimeOffset authTime) =>
    [
        new(ClaimTypes.NameIdentifier, user.Id.ToString()),
        new(ClaimTypes.Name, user.Username),
        new(StampClaim, user.SecurityStamp),
        new(AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString()),
    ];

    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var principal = ctx.Principal;
        var userId = principal is null ? null : UserId(principal);
        var stamp = principal?.FindFirstValue(StampClaim);
        var authTime = principal is null ? null : AuthTime(principal);
        var clock = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (userId is null || stamp is null || authTime is null || clock.GetUtcNow() - authTime > AbsoluteTimeout)
        {
            await RejectAsync(ctx);
            return;
        }
        var db = ctx.HttpContext.RequestServices.GetRequiredService<CheeseshopDb>();
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.IsActive, u.IsFrozen, u.Username })
            .FirstOrDefaultAsync(ctx.HttpContext.RequestAborted);
        if (current is null || !current.IsActive || current.IsFrozen || current.SecurityStamp != stamp)
        {
            await RejectAsync(ctx);
            return;
        }
        // An administrator renamed the account: show the new name without ending the session.
        if (principal!.Identity?.Name != current.Username)
        {
            var renamed = new User { Id = userId.Value, Username = current.Username, NormalizedUsername = "", SecurityStamp = stamp };
            ctx.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(Claims(renamed, authTime.Value), Scheme, ClaimTypes.Name, ClaimTypes.Role)));
            ctx.ShouldRenew = true;
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext ctx)
    {
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(Scheme);
    }
}
