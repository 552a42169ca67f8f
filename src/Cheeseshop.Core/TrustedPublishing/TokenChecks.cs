using System.Net;

namespace Cheeseshop.Core.TrustedPublishing;

/// <summary>The checks of an ID token that are not cryptography: its times, its id and its issuer's address.</summary>
public static class TokenChecks
{
    /// <summary>Clocks of the CI and of this server differ a little; GitHub's tokens live five minutes.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(30);

    /// <summary>How long a minted upload token works, as on PyPI.</summary>
    public static readonly TimeSpan MintedLifetime = TimeSpan.FromMinutes(15);

    public const int MaxJtiLength = 200;

    /// <summary>
    /// Null when the token's times allow it at <paramref name="now"/>: 'exp' (required) not passed, and
    /// 'nbf' and 'iat' (when present) not in the future, each with <see cref="Leeway"/>.
    /// </summary>
    public static string? TimeProblem(DateTimeOffset? exp, DateTimeOffset? nbf, DateTimeOffset? iat, DateTimeOffset now)
    {
        if (exp is null) return "the token has no 'exp' claim";
        if (now - Leeway >= exp) return $"the token expired at {exp:yyyy-MM-dd HH:mm:ss} UTC";
        if (nbf is { } n && n > now + Leeway) return $"the token is not valid before {n:yyyy-MM-dd HH:mm:ss} UTC ('nbf')";
        if (iat is { } i && i > now + Leeway) return $"the token was issued in the future ('iat' {i:yyyy-MM-dd HH:mm:ss} UTC)";
        return null;
    }

    /// <summary>A token must carry a 'jti' of reasonable length: it is what makes a second use detectable.</summary>
    public static string? JtiProblem(string? jti) =>
        string.IsNullOrEmpty(jti) ? "the token has no 'jti' claim, so its reuse could not be detected"
        : jti.Length > MaxJtiLength ? $"the token's 'jti' is longer than {MaxJtiLength} characters"
        : null;

    /// <summary>
    /// Why <paramref name="url"/> cannot be an issuer, or null: an absolute https URL without query or
    /// fragment; http only on a loopback address (a test's own provider), never across a network where the
    /// discovery document and keys could be changed in transit.
    /// </summary>
    public static string? IssuerProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return $"'{url}' is not an absolute URL";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return $"'{url}' must not carry a query, a fragment or credentials";
        if (uri.Scheme == Uri.UriSchemeHttps) return null;
        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri.Host)) return null;
        return $"'{url}' must be https (http is accepted only on a loopback address, for tests)";
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Issuers are compared without a trailing slash: tokens and settings differ on it.</summary>
    public static string NormalizeIssuer(string url) => url.TrimEnd('/');
}
