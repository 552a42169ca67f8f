using Cheeseshop.Data.Entities;

namespace Cheeseshop.Auth;

/// <summary>Who a request authenticated as over HTTP Basic, and with what: a token (possibly scoped to one
/// project) or a password.</summary>
public sealed record BasicIdentity(User User, ApiToken? Token)
{
    public string How => Token is null ? "password" : Token.PublisherId is null ? "api-token" : "trusted-publisher";
}

/// <summary>The outcome of HTTP Basic authentication: the identity, or the status, message and (for 429)
/// the wait to refuse the request with. <paramref name="Challenge"/> marks refusals that other credentials
/// could cure (none, wrong or expired ones): a read answers those with 401 and a Basic challenge, so that pip
/// asks its keyring or the user.</summary>
public sealed record BasicAuthResult(BasicIdentity? Identity, int Status, string Message, TimeSpan? RetryAfter, bool Challenge)
{
    public static BasicAuthResult Success(BasicIdentity identity) => new(identity, 200, "", null, false);
    public static BasicAuthResult Refused(int status, string message, TimeSpan? retryAfter = null, bool challenge = false) =>
        new(null, status, message, retryAfter, challenge);
}

/// <summary>The outcome of authenticating a read: the reader, or the refusal.</summary>
public sealed record ReadAuthResult(Reader? Reader, BasicAuthResult? Refusal);
