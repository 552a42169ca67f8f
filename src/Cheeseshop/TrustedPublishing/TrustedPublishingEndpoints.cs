using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Cheeseshop.TrustedPublishing;

/// <summary>The endpoints CI jobs call, with PyPI's paths and bodies, so that pypa/gh-action-pypi-publish
/// and other tools written for PyPI work unchanged.</summary>
public static class TrustedPublishingEndpoints
{
    /// <summary>An ID token is a few kilobytes; anything much larger is not one.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void MapTrustedPublishing(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_/oidc/audience", (TrustedPublishingOptions options) => Results.Json(new { audience = options.Audience }));
        app.MapPost("/_/oidc/mint-token", MintAsync);
    }

    private static async Task MintAsync(HttpContext ctx, TokenExchange exchange)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        var body = await ReadBodyAsync(ctx.Request, ctx.RequestAborted);
        if (body is null)
        {
            await RefuseAsync(ctx, new MintError(413, "invalid-payload", $"the request body is larger than {MaxBodyBytes / 1024} KiB; send {{\"token\": \"<the ID token>\"}}"));
            return;
        }
        if (TokenOf(body) is not { } jwt)
        {
            await RefuseAsync(ctx, new MintError(422, "invalid-payload", "the body must be a JSON object with a string member \"token\": {\"token\": \"<the ID token>\"}"));
            return;
        }
        var result = await exchange.MintAsync(jwt, ctx.RequestAborted);
        if (result.Error is { } error)
        {
            await RefuseAsync(ctx, error);
            return;
        }
        await ctx.Response.WriteAsJsonAsync(new
        {
            success = true, token = result.Token, expires = new DateTimeOffset(result.Expires!.Value).ToUnixTimeSeconds(),
        });
    }

    /// <summary>The body, or null when it is larger than <see cref="MaxBodyBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxBodyBytes + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes) return null;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    private static string? TokenOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("token", out var token)
                   && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } s ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task RefuseAsync(HttpContext ctx, MintError error)
    {
        ctx.Response.StatusCode = error.Status;
        if (error.Status == 413) ctx.Response.Headers.Connection = "close";
        await ctx.Response.WriteAsJsonAsync(new
        {
            message = "Token request failed",
            errors = new[] { new { code = error.Code, description = error.Description } },
        });
    }
}
