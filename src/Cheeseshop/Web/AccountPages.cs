using Microsoft.AspNetCore.Antiforgery;
using Cheeseshop.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cheeseshop.Web;

/// <summary>The server-rendered account pages (Razor Pages under Web/Pages), their cookies and CSRF protection.</summary>
public static class AccountPages
{
    public static IServiceCollection AddAccountPages(this IServiceCollection services)
    {
        services.AddSingleton<StaticAssets>();
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
        // Two pages declare /account/register: the sign-up form and the page saying accounts come from an
        // administrator. The setting decides which one is routed; the other is not reachable at all.
        services.AddOptions<RazorPagesOptions>().Configure<CheeseshopOptions>((o, options) =>
            o.Conventions.AddPageRouteModelConvention(
                options.Registration == RegistrationMode.Closed ? "/Account/Register" : "/Account/RegistrationClosed",
                page => page.Selectors.Clear()));
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
    /// trusted proxy says the client used HTTPS), and only for the pages: the package read APIs never
    /// read HttpContext.User and uploads authenticate with their own Basic header, so a browser session
    /// cannot act on them, and the read path does not pay for the cookie handler and the service scope
    /// it creates (a third of a cached page's cost).
    /// </summary>
    public static WebApplication MapAccountPages(this WebApplication app)
    {
        app.UseWhen(ctx => !IsPackageApi(ctx.Request.Path) && !IsSessionFree(ctx.Request.Path), pages =>
        {
            pages.UseAuthentication();
            pages.UseAuthorization();
        });
        // WebApplication adds both middlewares to the whole pipeline unless told they are in place;
        // these are the keys UseAuthentication/UseAuthorization set on the builder they are called on.
        var properties = ((IApplicationBuilder)app).Properties;
        properties["__AuthenticationMiddlewareSet"] = true;
        properties["__AuthorizationMiddlewareSet"] = true;
        app.MapRazorPages();
        app.Services.GetRequiredService<StaticAssets>().Map(app);
        return app;
    }

    /// <summary>Pages that look the same to everyone, so they are cached as bytes and never read the
    /// session: the built-in files, the public project, user and home pages, the feeds.</summary>
    public static bool IsSessionFree(PathString path) =>
        path.StartsWithSegments("/static") || path.StartsWithSegments("/project") || path.StartsWithSegments("/user") ||
        path.StartsWithSegments("/rss") || path == "/" || path == "/favicon.ico";

    /// <summary>The machine-facing paths: Simple API, JSON API, files, upload, XML-RPC, statistics API, health.</summary>
    public static bool IsPackageApi(PathString path) =>
        path.StartsWithSegments("/simple") || path.StartsWithSegments("/pypi") || path.StartsWithSegments("/packages") ||
        path.StartsWithSegments("/legacy") || path.StartsWithSegments("/api") || path.StartsWithSegments("/RPC2") ||
        path.StartsWithSegments("/health");
}
