using Cheeseshop.Data.Entities;

namespace Cheeseshop.Auth;

/// <summary>Who a request authenticated as over HTTP Basic, and with what: a token (possibly scoped to one
/// project) or a password.</summary>
public sealed record BasicIdentity(User User, ApiToken? Token)
{
    public string How => Token is null ? "password" : "api-token";
}

/// <summary>The outcome of HTTP Basic authentication: the identity, or the status, message and (for 429)
/// the wait to refuse the request with.</summary>
public sealed record BasicAuthResult(BasicIdentity? Identity, int Status, string Message, TimeSpan? RetryAfter)
{
    public static BasicAuthResult Success(BasicIdentity identity) => new(identity, 200, "", null);
    public static BasicAuthResult Refused(int status, string message, TimeSpan? retryAfter = null) => new(null, status, message, retryAfter);
}
