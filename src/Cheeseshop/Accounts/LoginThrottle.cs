using System.Collections.Concurrent;

namespace Cheeseshop.Accounts;

/// <summary>
/// Limits failed sign-ins (wrong password, wrong second factor, wrong password on a confirmation form):
/// at most 10 per account and 20 per client in any 5 minutes (warehouse allows 10 per 5 minutes each).
/// The account key is the lower-cased username as typed, so unknown names are limited exactly like
/// real ones and the limit reveals nothing. The client key is the keyed hash of the address, never the
/// address. Kept in this process's memory: a restart forgets it, and each node of a cluster counts on
/// its own, so the effective limit is per node. That is acceptable for slowing down guessing; a shared
/// store would be needed to make it exact.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public const int MaxPerAccount = 10;
    public const int MaxPerClient = 20;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed class Failures
    {
        public readonly Queue<DateTimeOffset> Times = new();
    }

    /// <summary>How long until another attempt is allowed, or null when it is allowed now.</summary>
    public TimeSpan? RetryAfter(string accountKey, string? clientKey)
    {
        var now = clock.GetUtcNow();
        var wait = WaitFor("a:" + accountKey, MaxPerAccount, now);
        if (clientKey is not null && WaitFor("c:" + clientKey, MaxPerClient, now) is { } clientWait)
            wait = wait is null || clientWait > wait ? clientWait : wait;
        return wait;
    }

    public void RecordFailure(string accountKey, string? clientKey)
    {
        var now = clock.GetUtcNow();
        Add("a:" + accountKey, now);
        if (clientKey is not null) Add("c:" + clientKey, now);
        if (_failures.Count > 100_000) Prune(now);
    }

    /// <summary>A successful sign-in clears the account's count (the client's stays: one client guessing
    /// at many accounts should not be forgiven by signing in to its own).</summary>
    public void RecordSuccess(string accountKey) => _failures.TryRemove("a:" + accountKey, out _);

    /// <summary>Password-reset mail to one account: at most 3 an hour, so the public form cannot flood an inbox.</summary>
    public bool TryTakeResetMail(Guid userId)
    {
        var now = clock.GetUtcNow();
        var f = _failures.GetOrAdd("r:" + userId, _ => new Failures());
        lock (f)
        {
            while (f.Times.Count > 0 && f.Times.Peek() + TimeSpan.FromHours(1) <= now) f.Times.Dequeue();
            if (f.Times.Count >= 3) return false;
            f.Times.Enqueue(now);
            return true;
        }
    }

    private TimeSpan? WaitFor(string key, int max, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var f)) return null;
        lock (f)
        {
            Expire(f, now);
            if (f.Times.Count < max) return null;
            // Allowed again when the oldest failure of the full window leaves it.
            return f.Times.Peek() + Window - now;
        }
    }

    private void Add(string key, DateTimeOffset now)
    {
        var f = _failures.GetOrAdd(key, _ => new Failures());
        lock (f)
        {
            Expire(f, now);
            f.Times.Enqueue(now);
            // The queue never needs more than the largest limit.
            while (f.Times.Count > MaxPerClient) f.Times.Dequeue();
        }
    }

    private static void Expire(Failures f, DateTimeOffset now)
    {
        while (f.Times.Count > 0 && f.Times.Peek() + Window <= now) f.Times.Dequeue();
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
