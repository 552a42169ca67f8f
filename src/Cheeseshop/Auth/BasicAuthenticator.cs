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
    CheeseshopDb db, LoginThrottle throttle, EventRecorder events, ClientInfo client, IpAddressHasher hasher)
{
    public const string TokenUsername = "__token__";

    private const string HowToUseToken =
        "Use an API token instead: username __token__ and the token as the password. Create one at /manage/account/tokens.";
    public const string PasswordsNotAccepted = "Username/password authentication is not supported. " + HowToUseToken;
    public const string SecondFactorAccount =
        "This account uses two-factor authentication, so its password alone is not accepted. " + HowToUseToken;
    public const string InvalidCredentials =
        "Invalid or non-existent authentication information: the username, password or API token is wrong.";
    public const string MissingCredentials =
        "Invalid or non-existent authentication information. Authenticate with username __token__ and an API token as the password.";

    private static readonly string DummyHash = new PasswordHasher().Hash(Guid.NewGuid().ToString());

    private string? ClientKey => client.Address is { } a ? hasher.Hash(a) : null;

    /// <summary>Checks an Authorization header. <paramref name="passwordsAllowed"/> says whether this
    /// request may authenticate with a username and password at all.</summary>
    public async Task<BasicAuthResult> AuthenticateAsync(string? authorization, bool passwordsAllowed, CancellationToken ct)
    {
        if (!TryDecode(authorization, out var username, out var secret))
            return BasicAuthResult.Refused(403, MissingCredentials);
        if (username == TokenUsername) return await TokenAsync(secret, ct);
        // Without password authentication the password is never looked at: there is nothing to guess and
        // no hash to compute, so refusing costs nothing and counts nothing.
        if (!passwordsAllowed) return BasicAuthResult.Refused(403, PasswordsNotAccepted);
        return await PasswordAsync(username, secret, ct);
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
            return BasicAuthResult.Refused(403, InvalidCredentials);
        }
        if (!user.IsActive || user.IsFrozen) return BasicAuthResult.Refused(403, InvalidCredentials);
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
            return BasicAuthResult.Refused(403, InvalidCredentials);
        }
        if (user.IsFrozen)
            return BasicAuthResult.Refused(403, "This account is frozen by the index's administrators. Contact them to have it unfrozen.");
        // Checked after the password, so the answer tells only its owner that the account has a second factor.
        if (SignInService.NeedsSecondFactor(user)) return BasicAuthResult.Refused(403, SecondFactorAccount);
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
