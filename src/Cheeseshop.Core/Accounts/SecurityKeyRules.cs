namespace Cheeseshop.Core.Accounts;

/// <summary>What a security key's assertion is judged by once its signature checked out.</summary>
public enum AssertionVerdict
{
    Accepted,
    /// <summary>The counter did not move forward: a cloned authenticator, or an assertion seen before.</summary>
    CounterRegressed,
    /// <summary>The challenge was issued before this key's last use: it has been used already.</summary>
    ChallengeUsed,
}

/// <summary>
/// The rules of WebAuthn security keys that do not need a browser or a signature: the names people give
/// them, the signature counter (WebAuthn §6.1.1), and the rule that makes each sign-in challenge good once.
/// </summary>
public static class SecurityKeyRules
{
    public const int MaxNameLength = 64;
    /// <summary>Enough for anyone's keys, few enough that the list and the allowCredentials list stay short.</summary>
    public const int MaxKeysPerAccount = 10;

    /// <summary>The name as kept (trimmed), or the reason it is refused.</summary>
    public static (string? Name, string? Error) CheckName(string? name, IEnumerable<string> existing)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0) return (null, "Give the key a name, so you can tell your keys apart (for example \"blue YubiKey\").");
        if (trimmed.Length > MaxNameLength) return (null, $"A key's name can be at most {MaxNameLength} characters.");
        if (trimmed.Any(char.IsControl)) return (null, "A key's name cannot hold control characters such as line breaks or tabs.");
        if (existing.Any(e => string.Equals(e, trimmed, StringComparison.OrdinalIgnoreCase)))
            return (null, $"You already have a key called \"{trimmed}\". Choose another name.");
        return (trimmed, null);
    }

    /// <summary>
    /// An authenticator that keeps no counter sends 0 every time, and that is allowed while the stored value is 0
    /// too. Otherwise the counter must grow: a value at or below the stored one means a second copy of the key.
    /// </summary>
    public static bool CounterAdvances(long stored, long presented) =>
        (stored == 0 && presented == 0) || presented > stored;

    /// <summary>Whether a key that last signed in at <paramref name="lastUsed"/> has already spent a challenge
    /// issued at <paramref name="challengeIssued"/> (checked first, so a replay is named as one).</summary>
    public static bool ChallengeSpent(DateTime? lastUsed, DateTime challengeIssued) => lastUsed is { } used && used >= challengeIssued;

    /// <summary>
    /// Judges an assertion whose signature is good. A challenge is issued at <paramref name="challengeIssued"/>
    /// for one pending sign-in; once a key signs in with it, the key's last use is later than the challenge,
    /// so the same challenge (and the same signed answer) cannot pass again.
    /// </summary>
    public static AssertionVerdict Judge(long storedCount, long presentedCount, DateTime? lastUsed, DateTime challengeIssued)
    {
        if (ChallengeSpent(lastUsed, challengeIssued)) return AssertionVerdict.ChallengeUsed;
        return CounterAdvances(storedCount, presentedCount) ? AssertionVerdict.Accepted : AssertionVerdict.CounterRegressed;
    }
}
