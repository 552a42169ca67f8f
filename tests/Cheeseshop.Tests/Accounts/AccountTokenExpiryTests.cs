using Cheeseshop.Accounts;
using Microsoft.AspNetCore.DataProtection;

namespace Cheeseshop.Tests.Accounts;

/// <summary>Emailed links stop working when their lifetime ends: the one rule the HTTP tests cannot wait for.</summary>
public sealed class AccountTokenExpiryTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static AccountTokens Issuer(DateTimeOffset now) =>
        new(new EphemeralDataProtectionProvider(), new FixedClock(now));

    [Fact]
    public void A_reset_link_older_than_its_lifetime_is_refused_and_a_fresh_one_is_read()
    {
        // One provider for both, so the key is the same: only the issue time differs.
        var provider = new EphemeralDataProtectionProvider();
        var claim = new PasswordResetClaim(Guid.NewGuid(), "stamp");
        var stale = new AccountTokens(provider, new FixedClock(DateTimeOffset.UtcNow - AccountTokens.PasswordResetLifetime - TimeSpan.FromMinutes(1)));
        var fresh = new AccountTokens(provider, TimeProvider.System);

        Assert.Null(fresh.ReadPasswordReset(stale.ForPasswordReset(claim)));
        Assert.Equal(claim, fresh.ReadPasswordReset(fresh.ForPasswordReset(claim)));
    }

    [Fact]
    public void A_verification_link_expires_and_cannot_serve_as_a_reset_link()
    {
        var provider = new EphemeralDataProtectionProvider();
        var claim = new EmailVerificationClaim(Guid.NewGuid(), 7, "a@example.com");
        var stale = new AccountTokens(provider, new FixedClock(DateTimeOffset.UtcNow - AccountTokens.EmailVerificationLifetime - TimeSpan.FromMinutes(1)));
        var fresh = new AccountTokens(provider, TimeProvider.System);

        Assert.Null(fresh.ReadEmailVerification(stale.ForEmailVerification(claim)));
        var token = fresh.ForEmailVerification(claim);
        Assert.Equal(claim, fresh.ReadEmailVerification(token));
        Assert.Null(fresh.ReadPasswordReset(token));
        Assert.Null(Issuer(DateTimeOffset.UtcNow).ReadEmailVerification(token)); // another key ring: forged
    }
}
