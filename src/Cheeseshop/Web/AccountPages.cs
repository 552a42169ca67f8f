using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Cheeseshop.Web;

/// <summary>The server-rendered account pages (Razor Pages under Web/Pages), their cookies and CSRF protection.</summary>
public static class AccountPages
{
    public static IServiceCollection AddAccountPages(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Web/Pages";
                o.Conventions.AuthorizeFolder("/Manage");
            })
            .AddMvcOptions(o =>
            {
                o.Filters.Add<AntiforgeryMessageFilter>();
                o.Filters.Add<SecurityHeadersFilter>();
            });
        services.AddRouting(o => o.LowercaseUrls = true);
        services.AddAuthentication(SessionCookie.Scheme)
            .AddCookie(SessionCookie.Scheme, SessionCookie.Configure)
            .AddCookie(SessionCookie.TwoFactorScheme, SessionCookie.ConfigureTwoFactor);
        services.AddAuthorization();
        // Razor Pages check the token on every POST; these settings only name and harden the cookie.
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "cheeseshop_csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "csrf_token";
        });
        // The one-time notice after a redirect travels in this (encrypted) cookie.
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "cheeseshop_notice";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>
    /// Authentication runs after the forwarded headers (so a session cookie is marked Secure when a
    /// trusted proxy says the client used HTTPS). The package APIs never read HttpContext.User: uploads
    /// authenticate with their own Basic header, so a browser session cannot act on them, and a request
    /// without a session cookie costs the cookie handler one header look-up.
    /// </summary>
    public static WebApplication MapAccountPages(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }
}
