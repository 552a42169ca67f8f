using System.Net.Http.Headers;
using System.Text;
using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Auth;

/// <summary>
/// HTTP Basic authentication as twine sends it: "__token__" with an API token, or (where the caller allows
/// it) a username and password. Every wrong password or token counts toward the same failed-login limits as
/// the sign-in form and is recorded as the same login-failure event on the account it names; a refusal does
/// not say which part was wrong.
/// </summary>
public sealed class BasicAuthenticator(
    CheeseshopDb db, LoginThrottle throttle, EventRecorder events, ClientInfo client, IpAddressHasher hasher,
    ReadCredentialCache readers, AuthOptions authOptions, TimeProvider clock)
{
    public const string TokenUsername = "__token__";

    private const string HowToUseToken =
        "Use an API token instead: username __token__ and the token as the password. Create one at /manage/account/tokens.";
    public const string PasswordsNotAccepted = "Username/password authentication is not supported. " + HowToUseToken;
    public const string PasswordSignInOff = "Password sign-in is turned off on this index (except for administrators). " + HowToUseToken;
    public const string SecondFactorAccount =
        "This account uses two-factor authentication, so its password alone is not accepted. " + HowToUseToken;
    public const string InvalidCredentials =
        "Invalid or non-existent authentication information: the username, password or API token is wrong.";
    public const string PrivateIndex =
        "This index is private: authenticate with username __token__ and an API token as the password, or with your username and password.";
    public const string MissingCredentials =
        "Invalid or non-existent authentication information. Authenticate with username __token__ and an API token as the password.";
    public const string Frozen = "This account is disabled by the index's administrators: it cannot upload or use its API tokens. Contact them to have it enabled.";

    private static readonly string DummyHash = new PasswordHasher().Hash(Guid.NewGuid().ToString());

    // Keyed once per request (this service is scoped): a check and its recording both need it.
    private string? ClientKey => _clientKey ??= client.Address is { } a ? hasher.Hash(a) : null;
    private string? _clientKey;

    /// <summary>Checks an Authorization header. <paramref name="passwordsAllowed"/> says whether this
    /// request may authenticate with a username and password at all.</summary>
    public async Task<BasicAuthResult> AuthenticateAsync(string? authorization, bool passwordsAllowed, CancellationToken ct)
    {
        // No credentials at all is the one refusal HTTP answers with 401 and a challenge, so that a client
        // that can find credentials (a keyring, netrc, a prompt) offers them. Wrong ones stay 403, as on warehouse.
        if (string.IsNullOrEmpty(authorization)) return BasicAuthResult.Refused(401, MissingCredentials, challenge: true);
        if (!TryDecode(authorization, out var username, out var secret))
            return BasicAuthResult.Refused(403, MissingCredentials, challenge: true);
        if (username == TokenUsername) return await TokenAsync(secret, ct);
        // Without password authentication the password is never looked at: there is nothing to guess and
        // no hash to compute, so refusing costs nothing and counts nothing.
        if (!passwordsAllowed) return BasicAuthResult.Refused(403, PasswordsNotAccepted);
        return await PasswordAsync(username, secret, ct);
    }

    public static string Expired(DateTime expires) =>
        $"This API token expired on {expires:yyyy-MM-dd HH:mm} UTC. Create a new one at /manage/account/tokens.";

    public static string ExpiredMinted(DateTime expires) =>
        $"This API token from a trusted publisher expired on {expires:yyyy-MM-dd HH:mm:ss} UTC (they last 15 minutes). Exchange a new ID token at /_/oidc/mint-token.";

    /// <summary>
    /// Credentials for a read of a private index that ReadCredentialCache does not remember: an API token of
    /// any scope, or a username and password (never for an account with two-factor authentication). A success
    /// is remembered under <paramref name="key"/>, and a token's use recorded for the day.
    /// </summary>
    public async Task<ReadAuthResult> AuthenticateReadAsync(string authorization, (UInt128, UInt128) key, CancellationToken ct)
    {
        if (authorization.Length == 0) return new ReadAuthResult(null, BasicAuthResult.Refused(401, PrivateIndex, challenge: true));
        var result = await AuthenticateAsync(authorization, passwordsAllowed: true, ct);
        if (result.Identity is not { } identity) return new ReadAuthResult(null, result);
        var token = identity.Token;
        var reader = new Reader(identity.User.Id, token?.Id, await TokenProjectsAsync(token, ct), token?.Expires);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (token is not null && (token.LastUsed is not { } used || DateOnly.FromDateTime(used) != today))
            await TouchAsync(token.Id, ct);
        readers.Add(key, reader, today);
        return new ReadAuthResult(reader, null);
    }

    /// <summary>The normalized names of the projects a token is limited to (as the upload decides them): a scoped token's
    /// one, or every project the trusted publisher that minted it is registered on now; null for an unscoped token.</summary>
    private async Task<IReadOnlyList<string>?> TokenProjectsAsync(ApiToken? token, CancellationToken ct)
    {
        if (await TrustedPublishing.PublisherService.TokenProjectsAsync(db, token, ct) is not { } ids) return null;
        return await db.Projects.Where(p => ids.Contains(p.Id)).OrderBy(p => p.NormalizedName).Select(p => p.NormalizedName).ToListAsync(ct);
    }

    /// <summary>Records that a token authenticated a request now (the tokens page shows the day).</summary>
    public Task TouchAsync(Guid tokenId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.ApiTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsed, now), ct);
    }

    private async Task<BasicAuthResult> TokenAsync(string secret, CancellationToken ct)
    {
        ApiToken? token = null;
        if (ApiTokenCodec.TryParse(secret, out var id, out var hash))
            token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        // A token that was never issued names no account: only the client's own limit applies to it.
        var accountKey = token?.User?.NormalizedUsername;
        var decision = throttle.Check(accountKey, ClientKey);
        // A token is more than a password: it passes the account-wide limit as a second factor does.
        if (decision.Verdict == ThrottleVerdict.Refused) return TooManyAttempts(decision.RetryAfter);
        if (token?.User is not { } user || !ApiTokenCodec.Matches(hash, token.SecretHash))
        {
            await FailAsync(accountKey, token?.User, "invalid_api_token", ct);
            return BasicAuthResult.Refused(403, InvalidCredentials, challenge: true);
        }
        if (!user.IsActive) return BasicAuthResult.Refused(403, InvalidCredentials);
        // The secret was right: its owner learns why the token no longer works.
        if (user.IsFrozen) return BasicAuthResult.Refused(403, Frozen);
        // The secret was right, so this is no guess: an expired token counts as no failure, and its owner
        // learns why it stopped working.
        if (TokenRules.IsExpired(token.Expires, clock.GetUtcNow().UtcDateTime))
            return BasicAuthResult.Refused(403, token.PublisherId is null ? Expired(token.Expires!.Value) : ExpiredMinted(token.Expires!.Value), challenge: true);
        throttle.RecordSuccess(user.NormalizedUsername, ClientKey);
        return BasicAuthResult.Success(new BasicIdentity(user, token));
    }

    private async Task<BasicAuthResult> PasswordAsync(string username, string password, CancellationToken ct)
    {
        if (username.Length > 100 || password.Length > PasswordPolicy.MaxLength)
            return BasicAuthResult.Refused(403, InvalidCredentials);
        var key = Usernames.Normalize(username.Trim());
        var decision = throttle.Check(key, ClientKey);
        // A Basic header cannot carry a second factor, so a password never passes the account-wide limit.
        if (decision.Verdict != ThrottleVerdict.Allowed) return TooManyAttempts(decision.RetryAfter);

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == key, ct);
        // Verify even when the user is unknown so that timing does not reveal which usernames exist.
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash);
        if (!ok || user is null || !user.IsActive)
        {
            await FailAsync(key, user, "invalid_password", ct);
            return BasicAuthResult.Refused(403, InvalidCredentials, challenge: true);
        }
        if (user.IsFrozen)
            return BasicAuthResult.Refused(403, Frozen);
        // Checked after the password, so the answer tells only its owner that the account has a second factor.
        if (await SignInService.HasSecondFactorAsync(db, user, ct)) return BasicAuthResult.Refused(403, SecondFactorAccount);
        // Auth:Password off leaves passwords to administrators here as on the login page.
        if (!authOptions.Password && !user.IsAdmin) return BasicAuthResult.Refused(403, PasswordSignInOff);
        throttle.RecordSuccess(key, ClientKey);
        return BasicAuthResult.Success(new BasicIdentity(user, null));
    }

    private async Task FailAsync(string? accountKey, User? user, string reason, CancellationToken ct)
    {
        throttle.RecordFailure(accountKey, ClientKey);
        if (user is not { IsActive: true }) return;
        await events.UserEventAsync(user.Id, EventTags.Account.LoginFailure, new { reason }, ct);
        await db.SaveChangesAsync(ct);
    }

    private static BasicAuthResult TooManyAttempts(TimeSpan wait)
    {
        var e = AccountException.TooManyAttempts(wait);
        return BasicAuthResult.Refused(e.Status, e.Message, wait);
    }

    private static bool TryDecode(string? header, out string username, out string secret)
    {
        username = secret = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value) ||
            !"Basic".Equals(value.Scheme, StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
            return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)); }
        catch (FormatException) { return false; }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        username = decoded[..colon];
        secret = decoded[(colon + 1)..];
        return true;
    }
}
