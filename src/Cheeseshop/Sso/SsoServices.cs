using Cheeseshop.Accounts;
using Cheeseshop.Configuration;
using Cheeseshop.Data.Entities;
using Cheeseshop.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cheeseshop.Sso;

/// <summary>
/// Single sign-on with the framework's OpenID Connect handler: authorization code flow with PKCE, the
/// answer on a top-level GET to <see cref="CallbackPath"/> (so the SameSite=Lax correlation cookies come
/// back), the claims from the ID token and the userinfo endpoint. The handler's own sign-in is not used:
/// once the provider's answer is checked, <see cref="SsoAccounts"/> finds the account and the session is
/// the same cookie a password sign-in gets.
/// </summary>
public static class SsoServices
{
    public const string Scheme = "cheeseshop-sso";
    public const string CallbackPath = "/account/sso/callback";
    public const string RefusedPath = "/account/sso/refused";
    public const string NextItem = "next";

    public static IServiceCollection AddSingleSignOn(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SsoOptions.Section);
        services.AddSettings<SsoOptions>(section);
        services.AddScoped<SsoAccounts>();
        // Registered only when configured: a remote scheme's handler is built for every request that passes
        // the authentication middleware, and an unconfigured one would fail there.
        if (string.IsNullOrWhiteSpace(section[nameof(SsoOptions.Authority)])) return services;
        services.AddAuthentication().AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<SsoOptions, TimeProvider>(Configure);
        return services;
    }

    private static void Configure(OpenIdConnectOptions o, SsoOptions sso, TimeProvider clock)
    {
        o.Authority = sso.Authority;
        o.ClientId = sso.ClientId;
        o.ClientSecret = sso.ClientSecret;
        // SsoOptions has already refused http anywhere but on a loopback address.
        o.RequireHttpsMetadata = sso.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "email" }) o.Scope.Add(scope);
        o.CallbackPath = CallbackPath;
        o.SignInScheme = SessionCookie.Scheme;
        o.SaveTokens = false;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        o.ClaimActions.MapUniqueJsonKey("preferred_username", "preferred_username");
        o.TimeProvider = clock;
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }
        o.Events.OnTicketReceived = SignInAsync;
        o.Events.OnRemoteFailure = FailedAsync;
    }

    /// <summary>The provider's answer passed every check: sign in the account it belongs to, or say why not.</summary>
    private static async Task SignInAsync(TicketReceivedContext ctx)
    {
        ctx.HandleResponse();
        var http = ctx.HttpContext;
        var ct = http.RequestAborted;
        // Set only to a local path (the login page checks it) and carried in the protected state.
        var local = ctx.Properties?.Items.TryGetValue(NextItem, out var n) == true ? n : null;
        var identity = ctx.Principal is { } principal ? SsoIdentity.From(principal) : null;
        User? user;
        try
        {
            if (identity is null) throw new SsoRefusal(SsoAccounts.Failed);
            user = await http.RequestServices.GetRequiredService<SsoAccounts>().ResolveAsync(identity, ct);
        }
        catch (SsoRefusal refusal)
        {
            http.Response.Redirect($"{RefusedPath}?reason={refusal.Reason}");
            return;
        }
        var signIn = http.RequestServices.GetRequiredService<SignInService>();
        if (await signIn.HasSecondFactorAsync(user, ct))
        {
            await http.RequestServices.GetRequiredService<Data.CheeseshopDb>().SaveChangesAsync(ct);
            await SessionCookie.BeginTwoFactorAsync(http, user, SignInService.MethodSso);
            http.Response.Redirect("/account/two-factor" + (local is null ? "" : "?next=" + Uri.EscapeDataString(local)));
            return;
        }
        await signIn.CompleteAsync(user, null, null, ct, SignInService.MethodSso);
        await SessionCookie.SignInAsync(http, user);
        http.Response.Redirect(local ?? "/manage/projects");
    }

    /// <summary>The provider said no (the person cancelled), or its answer failed a check (state, nonce, signature).</summary>
    private static Task FailedAsync(RemoteFailureContext ctx)
    {
        ctx.HandleResponse();
        ctx.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cheeseshop.Sso")
            .LogWarning("Single sign-on failed: {Reason}", ctx.Failure?.Message);
        ctx.Response.Redirect($"{RefusedPath}?reason={SsoAccounts.Failed}");
        return Task.CompletedTask;
    }
}
