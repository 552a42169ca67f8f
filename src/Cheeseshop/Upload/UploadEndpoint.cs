using System.Globalization;
using Cheeseshop.Accounts;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Upload;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Cheeseshop.Upload;

/// <summary>POST /legacy/: the upload API twine, poetry and flit speak.</summary>
public static class UploadEndpoint
{
    public static void MapUpload(this IEndpointRouteBuilder app)
    {
        app.MapPost("/legacy/", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext ctx, BasicAuthenticator auth, UploadService uploads,
        CheeseshopOptions options, IOptions<AuthOptions> authOptions, DataDirectory dataDir, RateLimits.AccountLimiter limiter,
        Metrics.CheeseshopMetrics metrics, ILogger<UploadService> log)
    {
        var ct = ctx.RequestAborted;
        if (!ctx.Request.Path.Value!.EndsWith('/'))
        {
            // As warehouse: a 308 makes the client resend the POST, body and all, to /legacy/.
            ctx.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            ctx.Response.Headers.Location = "/legacy/" + ctx.Request.QueryString;
            return;
        }
        // We enforce our own limits while streaming, with messages that name them.
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = null;
        if (limiter.UploadByClient(ctx.Connection.RemoteIpAddress) is { } clientWait)
        {
            await WriteTooManyAsync(ctx, clientWait, "from your address");
            return;
        }
        var authenticated = await auth.AuthenticateAsync(ctx.Request.Headers.Authorization, authOptions.Value.PasswordUploads, ct);
        if (authenticated.Identity is not { } identity)
        {
            if (authenticated.RetryAfter is { } wait)
                ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            metrics.UploadRefusedByAuth(authenticated.Status);
            if (authenticated.Status == StatusCodes.Status401Unauthorized) ctx.Response.Headers.WWWAuthenticate = IndexAccess.Realm;
            await WriteErrorAsync(ctx, authenticated.Status, authenticated.Message);
            return;
        }
        if (IndexAccess.UploadRefusal(identity) is { } refusal)
        {
            metrics.UploadRefusedToReader();
            await WriteErrorAsync(ctx, StatusCodes.Status403Forbidden, refusal);
            return;
        }
        if (limiter.UploadByAccount(identity.User.Id) is { } accountWait)
        {
            await WriteTooManyAsync(ctx, accountWait, "by this account");
            return;
        }
        var maxBody = options.Limits.MaxFileBytes + options.Limits.MaxFormFieldsBytes + 64 * 1024;
        if (ctx.Request.ContentLength > maxBody)
        {
            await WriteRefusalAsync(ctx, metrics, UploadRules.FileTooLarge(options.Limits.MaxFileBytes));
            return;
        }
        try
        {
            using var form = await UploadForm.ReadAsync(ctx.Request, dataDir.TempRoot,
                options.Limits.MaxFileBytes, options.Limits.MaxFormFieldsBytes, ct);
            var decision = await uploads.UploadAsync(identity, form, ctx.Request.Query[":action"], ctx.Request.Headers.UserAgent, ct);
            if (!decision.Succeeded)
            {
                await WriteRefusalAsync(ctx, metrics, decision);
                return;
            }
            metrics.Uploaded(decision.Verdict, form.Size);
            log.LogInformation("Upload of {Filename} by {User}: {Outcome}", LogText.Prefix(form.ContentFilename), identity.User.Username, decision.Verdict);
            ctx.Response.StatusCode = 200;
        }
        catch (UploadException e)
        {
            await WriteRefusalAsync(ctx, metrics, e.Decision);
        }
    }

    /// <summary>The status each kind of refusal is answered with, as warehouse answers it.</summary>
    public static int StatusOf(UploadVerdict verdict) => verdict switch
    {
        UploadVerdict.Accepted or UploadVerdict.AlreadyPresent => StatusCodes.Status200OK,
        UploadVerdict.BadRequest => StatusCodes.Status400BadRequest,
        UploadVerdict.Forbidden => StatusCodes.Status403Forbidden,
        UploadVerdict.Conflict => StatusCodes.Status409Conflict,
        UploadVerdict.TooLarge => StatusCodes.Status413PayloadTooLarge,
        UploadVerdict.Gone => StatusCodes.Status410Gone,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    private static Task WriteTooManyAsync(HttpContext ctx, int seconds, string whose)
    {
        ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(ctx, StatusCodes.Status429TooManyRequests,
            $"Too many uploads {whose}. Try again in {RateLimits.RateLimitRegistration.Wait(seconds)}.");
    }

    /// <summary>A refusal of the upload rules, counted by its verdict.</summary>
    private static Task WriteRefusalAsync(HttpContext ctx, Metrics.CheeseshopMetrics metrics, UploadDecision decision)
    {
        metrics.UploadRefused(decision.Verdict);
        return WriteErrorAsync(ctx, StatusOf(decision.Verdict), decision.Message);
    }

    /// <summary>twine shows the HTTP reason phrase, so the message goes there as well as in the body.</summary>
    private static async Task WriteErrorAsync(HttpContext ctx, int status, string message)
    {
        if (ctx.Response.HasStarted) return;
        ctx.Response.StatusCode = status;
        var reason = new string(message.Select(c => c < 0x20 || c > 0xFF ? '?' : c).ToArray());
        ctx.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = reason;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        // Ask the client to close rather than sending the rest of a body we will not read.
        if (status == 413) ctx.Response.Headers.Connection = "close";
        await ctx.Response.WriteAsync(message + "\n");
    }
}
