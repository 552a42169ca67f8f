using Cheeseshop.Auth;

namespace Cheeseshop.Tests.Access;

/// <summary>The verification cache of a private index: what it remembers, for how long, and what makes it forget.</summary>
public sealed class ReadCredentialCacheTests
{
    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 6, 23, 59, 40, TimeSpan.Zero);
    private const string Header = "Basic X190b2tlbl9fOmNoZWVzZXNob3AtYWJjLmRlZg==";

    private static (ReadCredentialCache Cache, MovableClock Clock, (UInt128, UInt128) Key) Remembering(Reader reader)
    {
        var clock = new MovableClock(Start);
        var cache = new ReadCredentialCache(clock);
        var key = cache.KeyOf(Header);
        cache.Add(key, reader, DateOnly.FromDateTime(Start.UtcDateTime));
        return (cache, clock, key);
    }

    [Fact]
    public void A_remembered_token_is_refused_once_its_expiry_passes_although_the_entry_is_fresh()
    {
        var (cache, clock, key) = Remembering(new Reader(Guid.NewGuid(), Guid.NewGuid(), null, Start.UtcDateTime.AddSeconds(30)));
        Assert.NotNull(cache.Find(key, out _));
        clock.Now = Start.AddSeconds(30);
        Assert.Null(cache.Find(key, out _));
    }

    [Fact]
    public void An_entry_lives_for_its_lifetime_then_the_credentials_are_verified_again()
    {
        var (cache, clock, key) = Remembering(new Reader(Guid.NewGuid(), null, null, null));
        clock.Now = Start + ReadCredentialCache.Lifetime - TimeSpan.FromMilliseconds(1);
        Assert.NotNull(cache.Find(key, out _));
        clock.Now = Start + ReadCredentialCache.Lifetime;
        Assert.Null(cache.Find(key, out _));
    }

    [Fact]
    public void Deleting_the_token_or_changing_the_owner_s_password_forgets_at_once()
    {
        var user = Guid.NewGuid();
        var token = Guid.NewGuid();
        var (cache, _, key) = Remembering(new Reader(user, token, null, null));
        cache.ForgetUser(Guid.NewGuid());
        cache.ForgetToken(Guid.NewGuid());
        Assert.NotNull(cache.Find(key, out _));
        cache.ForgetToken(token);
        Assert.Null(cache.Find(key, out _));

        cache.Add(key, new Reader(user, null, null, null), DateOnly.FromDateTime(Start.UtcDateTime));
        cache.ForgetUser(user);
        Assert.Null(cache.Find(key, out _));
    }

    [Fact]
    public void A_token_s_use_is_reported_once_a_day_and_the_key_is_the_header_s_alone()
    {
        var (cache, clock, key) = Remembering(new Reader(Guid.NewGuid(), Guid.NewGuid(), null, null));
        Assert.NotNull(cache.Find(key, out var first));
        Assert.False(first, "the day of the verification was already recorded");
        clock.Now = Start.AddSeconds(30); // past midnight
        Assert.NotNull(cache.Find(key, out var nextDay));
        Assert.True(nextDay, "the first use of a new day is reported");
        Assert.NotNull(cache.Find(key, out var again));
        Assert.False(again, "reported once a day");

        Assert.Equal(key, cache.KeyOf(Header));
        Assert.NotEqual(key, cache.KeyOf(Header + "x"));
        Assert.NotEqual(key, new ReadCredentialCache(clock).KeyOf(Header)); // keyed per process
        Assert.Null(cache.Find(cache.KeyOf("Basic other"), out _));
    }
}
