using System.Collections.Concurrent;

namespace Cheeseshop.Core.Accounts;

/// <summary>What the throttle allows for one attempt.</summary>
public enum ThrottleVerdict
{
    /// <summary>Check the credentials as usual.</summary>
    Allowed,
    /// <summary>The account as a whole is under attack, but this client has not been failing: it may go on only
    /// with proof beyond a password (a second factor, an API token). A password alone gets the same 429 as
    /// a refused attempt.</summary>
    SecondFactorOnly,
    /// <summary>Refuse with 429 without looking at the credentials.</summary>
    Refused,
}

/// <param name="RetryAfter">When the limit that applies lets go (zero when allowed).</param>
public readonly record struct ThrottleDecision(ThrottleVerdict Verdict, TimeSpan RetryAfter)
{
    public static readonly ThrottleDecision Allow = new(ThrottleVerdict.Allowed, TimeSpan.Zero);
}

/// <summary>How many failures each counter of <see cref="LoginThrottle"/> allows in its 5-minute window, and
/// how many password-reset mails one account may be sent in an hour.</summary>
public sealed record LoginLimits(int PerAccountAndClient = 10, int PerClient = 20, int PerAccount = 100, int ResetMailsPerHour = 3)
{
    public static readonly LoginLimits Default = new();
}

/// <summary>
/// Limits failed sign-ins: wrong passwords, wrong second factors, wrong API tokens, on the sign-in form,
/// the confirmation forms and HTTP Basic alike. Three counters, each over a sliding window of 5 minutes
/// (the numbers are the defaults of <see cref="LoginLimits"/>):
/// <list type="bullet">
/// <item>per account and client: 10 failures stop that client guessing at that account;</item>
/// <item>per client: 20 failures stop one client spraying guesses over many accounts;</item>
/// <item>per account: 100 failures (many clients guessing at one account) stop password-only attempts
/// from every client, but a client with no failures of its own in the window may still sign in with a
/// correct password and a correct second factor, or use an API token: guessing from many addresses
/// cannot lock the owner out.</item>
/// </list>
/// The limits slow down an attacker without handing them a way to lock out the owner: the owner's own
/// client is only refused for its own failures. The account key is the lower-cased username as typed, so
/// unknown names are limited exactly like real ones and the limit reveals nothing. The client key is the
/// keyed hash of the address, never the address. Kept in this process's memory: a restart forgets it and
/// each node of a cluster counts on its own, so the effective limits are per node; that is acceptable
/// for slowing down guessing, and a shared store would be needed to make them exact.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock, LoginLimits? limits = null)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly LoginLimits _limits = limits ?? LoginLimits.Default;

    /// <summary>Counters are pruned when there are more keys than this, so guessing at random names
    /// cannot grow memory without bound.</summary>
    private const int PruneAbove = 100_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed class Failures(int capacity, TimeSpan window)
    {
        public readonly Queue<DateTimeOffset> Times = new();
        public readonly int Capacity = capacity;
        public readonly TimeSpan Window = window;
    }

    /// <summary>
    /// What an attempt on <paramref name="accountKey"/> (null when the credentials name no account, such
    /// as a token that was never issued) from <paramref name="clientKey"/> (null when the client is
    /// unknown) may do now.
    /// </summary>
    public ThrottleDecision Check(string? accountKey, string? clientKey)
    {
        var now = clock.GetUtcNow();
        TimeSpan? refused = null;
        if (clientKey is not null)
        {
            refused = Later(refused, WaitFor(ClientKey(clientKey), _limits.PerClient, now));
            if (accountKey is not null)
                refused = Later(refused, WaitFor(PairKey(accountKey, clientKey), _limits.PerAccountAndClient, now));
        }
        if (refused is { } wait) return new(ThrottleVerdict.Refused, wait);
        if (accountKey is null || WaitFor(AccountKey(accountKey), _limits.PerAccount, now) is not { } accountWait)
            return ThrottleDecision.Allow;
        return clientKey is not null && Count(ClientKey(clientKey), now) == 0
            ? new(ThrottleVerdict.SecondFactorOnly, accountWait)
            : new(ThrottleVerdict.Refused, accountWait);
    }

    public void RecordFailure(string? accountKey, string? clientKey)
    {
        var now = clock.GetUtcNow();
        if (accountKey is not null)
        {
            Add(AccountKey(accountKey), _limits.PerAccount, now);
            if (clientKey is not null) Add(PairKey(accountKey, clientKey), _limits.PerAccountAndClient, now);
        }
        if (clientKey is not null) Add(ClientKey(clientKey), _limits.PerClient, now);
        if (_failures.Count > PruneAbove) Prune(now);
    }

    /// <summary>A successful sign-in forgives this client's failures on this account. The client's own count
    /// stays (one client guessing at many accounts is not forgiven by signing in to its own), and so does the
    /// account's (the other clients guessing at it are still guessing).</summary>
    public void RecordSuccess(string accountKey, string? clientKey)
    {
        if (clientKey is not null) _failures.TryRemove(PairKey(accountKey, clientKey), out _);
    }

    /// <summary>The password was reset through the mailbox: guesses at the old one no longer matter, and the
    /// client that reset it may sign in straight away.</summary>
    public void ForgiveAccount(string accountKey, string? clientKey)
    {
        _failures.TryRemove(AccountKey(accountKey), out _);
        RecordSuccess(accountKey, clientKey);
    }

    /// <summary>Password-reset mail to one account: a few an hour, so the public form cannot flood an inbox.</summary>
    public bool TryTakeResetMail(Guid userId)
    {
        var now = clock.GetUtcNow();
        var f = _failures.GetOrAdd("r:" + userId, _ => new Failures(_limits.ResetMailsPerHour, TimeSpan.FromHours(1)));
        lock (f)
        {
            Expire(f, now);
            if (f.Times.Count >= _limits.ResetMailsPerHour) return false;
            f.Times.Enqueue(now);
            return true;
        }
    }

    // The client key is a hash without newlines: the first newline separates the two parts, whatever the name holds.
    private static string AccountKey(string account) => "a:" + account;
    private static string ClientKey(string client) => "c:" + client;
    private static string PairKey(string account, string client) => "p:" + client + "\n" + account;

    private static TimeSpan? Later(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private TimeSpan? WaitFor(string key, int max, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var f)) return null;
        lock (f)
        {
            Expire(f, now);
            if (f.Times.Count < max) return null;
            // Allowed again when the oldest failure of the full window leaves it.
            return f.Times.Peek() + f.Window - now;
        }
    }

    private int Count(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var f)) return 0;
        lock (f)
        {
            Expire(f, now);
            return f.Times.Count;
        }
    }

    private void Add(string key, int capacity, DateTimeOffset now)
    {
        var f = _failures.GetOrAdd(key, _ => new Failures(capacity, Window));
        lock (f)
        {
            Expire(f, now);
            f.Times.Enqueue(now);
            // The queue never needs more entries than its limit.
            while (f.Times.Count > f.Capacity) f.Times.Dequeue();
        }
    }

    private static void Expire(Failures f, DateTimeOffset now)
    {
        while (f.Times.Count > 0 && f.Times.Peek() + f.Window <= now) f.Times.Dequeue();
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, f) in _failures)
        {
            lock (f)
            {
                Expire(f, now);
                if (f.Times.Count == 0) _failures.TryRemove(key, out _);
            }
        }
    }
}
