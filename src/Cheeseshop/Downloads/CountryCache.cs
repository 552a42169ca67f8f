using System.Collections.Concurrent;
using System.Net;
using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Downloads;

/// <summary>
/// The country of recently seen client addresses, so a client that downloads many files (pip installing
/// a project's dependencies, a CI fleet behind one NAT) costs one database lookup a minute rather than
/// one per file: a MaxMind lookup decodes a record into a fresh dictionary each time.
/// Held in memory only, and briefly: an entry lives one to two minutes (two generations, the older
/// dropped whole each minute) and at most <see cref="MaxEntries"/> addresses are held per generation.
/// Nothing here is written anywhere. Thread-safe; reads take no lock.
/// </summary>
public sealed class CountryCache(ICountryLookup lookup)
{
    public const int MaxEntries = 20_000;
    private static readonly long LifetimeMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<IPAddress, string?> Countries = new();
        public int Count;
    }

    private Generation _current = new();
    private Generation _previous = new();
    private long _rotateAt = Environment.TickCount64 + LifetimeMs;

    public string? CountryOf(IPAddress address)
    {
        if (Environment.TickCount64 >= Volatile.Read(ref _rotateAt)) Rotate(full: false);
        var current = _current;
        if (current.Countries.TryGetValue(address, out var country)) return country;
        // Not renewed from the older generation: an address is looked up again at least every two minutes.
        if (_previous.Countries.TryGetValue(address, out country)) return country;
        country = lookup.CountryOf(address);
        if (Interlocked.Increment(ref current.Count) > MaxEntries) Rotate(full: true);
        else current.Countries.TryAdd(address, country);
        return country;
    }

    private void Rotate(bool full)
    {
        var due = Volatile.Read(ref _rotateAt);
        // One thread rotates; the others go on with whichever generation they read.
        if (!full && Environment.TickCount64 < due) return;
        if (Interlocked.CompareExchange(ref _rotateAt, Environment.TickCount64 + LifetimeMs, due) != due) return;
        _previous = _current;
        _current = new Generation();
    }
}
