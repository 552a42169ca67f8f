using System.Globalization;
using System.Threading.RateLimiting;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Privacy;
using Microsoft.AspNetCore.RateLimiting;

namespace Cheeseshop.RateLimits;

/// <summary>
/// The framework's rate limiter, with one policy per kind of request a client could repeat to hurt
/// the index or its users' inboxes. Endpoints name their policy; limits that need to know the account
/// (uploads, verification mail) are checked by <see cref="AccountLimiter"/> once it is known.
/// </summary>
public static class RateLimitRegistration
{
    public const string XmlRpc = "xmlrpc";
    public const string Registration = "registration";
    public const string PasswordReset = "password-reset";

    public static IServiceCollection AddCheeseshopRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton(sp => new LoginThrottle(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RateLimitOptions>().LoginLimits));
        services.AddSingleton<AccountLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimitOptions, IpAddressHasher>((o, limits, hasher) =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, ct) => RejectAsync(context, ct);
            o.AddPolicy(XmlRpc, ctx => PerClient(ctx, hasher, limits.XmlRpcPerHour, postsOnly: false));
            o.AddPolicy(Registration, ctx => PerClient(ctx, hasher, limits.RegistrationsPerHourPerClient, postsOnly: true));
            o.AddPolicy(PasswordReset, ctx => PerClient(ctx, hasher, limits.PasswordResetsPerHourPerClient, postsOnly: true));
        });
        return services;
    }

    /// <summary>N an hour, as a bucket of N refilled a sixtieth each minute: a burst up to the limit is
    /// allowed, then the pace the limit sets. A bucket knows when the next permit comes (Retry-After).</summary>
    public static TokenBucketRateLimiterOptions PerHour(int permits) => new()
    {
        TokenLimit = permits,
        TokensPerPeriod = Math.Max(1, (permits + 59) / 60),
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Seconds to send as Retry-After for a refused lease (a minute when the limiter does not say).</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;

    /// <summary>"N minutes" (or seconds under a minute) for a message a person reads.</summary>
    public static string Wait(int seconds) => seconds < 60
        ? $"{seconds} second{(seconds == 1 ? "" : "s")}"
        : $"{(seconds + 59) / 60} minute{((seconds + 59) / 60 == 1 ? "" : "s")}";

    private static RateLimitPartition<string> PerClient(HttpContext ctx, IpAddressHasher hasher, int perHour, bool postsOnly)
    {
        if (perHour == 0 || (postsOnly && !HttpMethods.IsPost(ctx.Request.Method)) || ctx.Connection.RemoteIpAddress is not { } ip)
            return RateLimitPartition.GetNoLimiter("");
        return RateLimitPartition.GetTokenBucketLimiter(hasher.Hash(ip), _ => PerHour(perHour));
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = RetryAfterSeconds(context.Lease);
        var response = context.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.ContentType = "text/plain; charset=utf-8";
        var what = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
        {
            XmlRpc => "XML-RPC calls",
            Registration => "sign-up attempts",
            PasswordReset => "password-reset requests",
            _ => "requests",
        };
        await response.WriteAsync($"Too many {what} from your address. Try again in {Wait(seconds)}.\n", ct);
    }
}
