namespace Cheeseshop.Accounts;

/// <summary>
/// A request the account rules refuse. The message is for the person at the browser (it says what
/// is wrong and what to do); the status is the HTTP status the page answers with.
/// </summary>
public sealed class AccountException(int status, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>For 429: when trying again makes sense (sent as Retry-After).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static AccountException BadRequest(string message) => new(400, message);
    public static AccountException Forbidden(string message) => new(403, message);
    public static AccountException NotFound(string message) => new(404, message);
    public static AccountException Conflict(string message) => new(409, message);

    public static AccountException TooManyAttempts(TimeSpan wait)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        return new AccountException(429,
            $"There have been too many unsuccessful sign-in attempts. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.", wait);
    }
}
