using System.Globalization;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Cheeseshop.Auth;

/// <summary>
/// A private index (Access:Read = Authenticated): before any endpoint marked as a read runs, the request must
/// carry credentials IndexAccess accepts. Without them the answer is 401 with a Basic challenge, so pip asks its
/// keyring, netrc or the user. Responses of allowed reads are marked private, so no shared cache keeps a page
/// for clients that never authenticated. The server only adds this middleware for a private index: a public
/// one pays nothing for it.
/// </summary>
public sealed class ReadAccessMiddleware(RequestDelegate next, ReadCredentialCache readers)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        if (ctx.GetEndpoint()?.Metadata.GetMetadata<IndexAccess.ReadEndpoint>() is null)
        {
            await next(ctx);
            return;
        }
        // Remembered credentials are checked without the request's service scope (and its database context),
        // which would cost more than the cached page they guard.
        var authorization = ctx.Request.Headers.Authorization.ToString();
        var key = KeyOf(ctx, authorization);
        var reader = readers.Find(key, out var firstUseToday);
        if (reader is not null && firstUseToday) await Authenticator(ctx).TouchAsync(reader.TokenId!.Value, ctx.RequestAborted);
        if (reader is null)
        {
            var result = await Authenticator(ctx).AuthenticateReadAsync(authorization, key, ctx.RequestAborted);
            if (result.Refusal is { } refusal)
            {
                if (refusal.RetryAfter is { } wait)
                    ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await RefuseAsync(ctx, refusal.Challenge ? 401 : refusal.Status, refusal.Message);
                return;
            }
            reader = result.Reader!;
        }
        if (IndexAccess.ReadRefusal(reader, ctx.Request.RouteValues) is { } message)
        {
            await RefuseAsync(ctx, 403, message);
            return;
        }
        ctx.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.CacheControl = Private(headers.CacheControl.ToString());
            return Task.CompletedTask;
        }, ctx);
        await next(ctx);
    }

    /// <summary>The header's cache key. A client sends the same header on every request of a kept-alive
    /// connection, and Kestrel then hands out the same string instance (it reuses a header's string while
    /// the bytes repeat), so the key is remembered with the connection and the HMAC computed once per
    /// connection. The test is by reference: it compares no secret, and the connection keeps no string
    /// Kestrel does not keep already.</summary>
    private (UInt128, UInt128) KeyOf(HttpContext ctx, string authorization)
    {
        var items = ctx.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(typeof(ReadAccessMiddleware), out var value) && value is ConnectionKey last
            && ReferenceEquals(last.Authorization, authorization))
            return last.Key;
        var key = readers.KeyOf(authorization);
        if (items is not null) items[typeof(ReadAccessMiddleware)] = new ConnectionKey(authorization, key);
        return key;
    }

    private sealed record ConnectionKey(string Authorization, (UInt128, UInt128) Key);

    private static BasicAuthenticator Authenticator(HttpContext ctx) => ctx.RequestServices.GetRequiredService<BasicAuthenticator>();

    /// <summary>The endpoint's own directives (max-age, must-revalidate, immutable) with "private" in place of "public".</summary>
    public static string Private(string cacheControl) =>
        // Endpoints send a handful of constant values: each is rewritten once, not on every response.
        PrivateForms.Count < 64 ? PrivateForms.GetOrAdd(cacheControl, MakePrivate) : MakePrivate(cacheControl);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> PrivateForms = new(StringComparer.Ordinal);

    private static string MakePrivate(string cacheControl)
    {
        var kept = cacheControl.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(d => !d.Equals("public", StringComparison.OrdinalIgnoreCase) && !d.Equals("private", StringComparison.OrdinalIgnoreCase));
        return string.Join(", ", kept.Prepend("private"));
    }

    /// <summary>A plain-text refusal; the message also goes in the reason phrase, which pip shows with the status.</summary>
    private static async Task RefuseAsync(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        if (status == 401) ctx.Response.Headers.WWWAuthenticate = IndexAccess.Realm;
        ctx.Response.Headers.CacheControl = "private, no-store";
        ctx.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = new string(message.Select(c => c < 0x20 || c > 0x7E ? '?' : c).ToArray());
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(message + "\n");
    }
}
