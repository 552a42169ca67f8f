using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Auth;

/// <summary>Who a read of a private index authenticated as: enough for the access decision and nothing
/// that needs the database. <paramref name="Projects"/> are the normalized projects a token is limited to: the one
/// of a scoped token, or each project of the trusted publisher that minted it; null for a token limited to none.</summary>
public sealed record Reader(Guid UserId, Guid? TokenId, IReadOnlyList<string>? Projects, DateTime? Expires);

/// <summary>
/// Recently verified read credentials, so that a private index does not look a token up (or hash a password
/// with Argon2) on every one of the dozens of requests a pip install makes. The key is an HMAC of the
/// Authorization header under a random key that lives only in this process: the secret is never kept, and a
/// dump of the memory gives nothing to test guesses against offline. An entry lives briefly, so a token deleted
/// or an account frozen on another node stops working within <see cref="Lifetime"/>; on this node deleting a
/// token or changing a password forgets its entries at once, and a token's expiry is checked on every use.
/// </summary>
public sealed class ReadCredentialCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>Bounds the memory that a client presenting many distinct valid credentials can make us hold.</summary>
    private const int MaxEntries = 10_000;

    private sealed class Entry(Reader reader, DateTime verifiedAt, DateOnly lastUseDay)
    {
        public Reader Reader { get; } = reader;
        public DateTime VerifiedAt { get; } = verifiedAt;
        /// <summary>The last day the token's last-use date was written, so it is written once a day, not per read.</summary>
        public DateOnly LastUseDay = lastUseDay;
    }

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<(UInt128, UInt128), Entry> _entries = new();

    /// <summary>The HMAC as two numbers: a key that costs no allocation to make or compare.</summary>
    public (UInt128, UInt128) KeyOf(string authorization)
    {
        const int stackLimit = 1024;
        var length = Encoding.UTF8.GetMaxByteCount(authorization.Length);
        var buffer = length <= stackLimit ? stackalloc byte[stackLimit] : new byte[length];
        var bytes = buffer[..Encoding.UTF8.GetBytes(authorization, buffer)];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, bytes, mac);
        return (BinaryPrimitives.ReadUInt128LittleEndian(mac), BinaryPrimitives.ReadUInt128LittleEndian(mac[16..]));
    }

    /// <summary>
    /// The reader these credentials were verified as within the lifetime and not expired since; null otherwise.
    /// <paramref name="firstUseToday"/> is true once a day per entry, when the caller records the token's use.
    /// </summary>
    public Reader? Find((UInt128, UInt128) key, out bool firstUseToday)
    {
        firstUseToday = false;
        if (!_entries.TryGetValue(key, out var entry)) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - entry.VerifiedAt >= Lifetime || TokenRules.IsExpired(entry.Reader.Expires, now))
        {
            _entries.TryRemove(new KeyValuePair<(UInt128, UInt128), Entry>(key, entry));
            return null;
        }
        var today = DateOnly.FromDateTime(now);
        if (entry.Reader.TokenId is not null && entry.LastUseDay != today)
        {
            entry.LastUseDay = today;
            firstUseToday = true;
        }
        return entry.Reader;
    }

    public void Add((UInt128, UInt128) key, Reader reader, DateOnly lastUseDay)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_entries.Count >= MaxEntries)
            foreach (var (k, e) in _entries)
                if (now - e.VerifiedAt >= Lifetime) _entries.TryRemove(k, out _);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = new Entry(reader, now, lastUseDay);
    }

    /// <summary>A deleted token stops working on this node at once.</summary>
    public void ForgetToken(Guid tokenId) => Forget(r => r.TokenId == tokenId);

    /// <summary>A changed password, a frozen or deleted account: every credential of the user is verified again.</summary>
    public void ForgetUser(Guid userId) => Forget(r => r.UserId == userId);

    private void Forget(Func<Reader, bool> match)
    {
        foreach (var (k, e) in _entries)
            if (match(e.Reader)) _entries.TryRemove(k, out _);
    }
}
