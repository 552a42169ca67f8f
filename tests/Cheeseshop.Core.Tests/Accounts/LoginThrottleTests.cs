using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>
/// The failed-login limits as a table. Each row is a script of what happened, then one attempt and what
/// the throttle decides for it. Script steps, separated by ';':
/// <c>F account client n</c> n failures (account <c>-</c>: none, as for a token never issued; account or
/// client <c>*</c>: a different one for each failure), <c>S account client</c> a success,
/// <c>R account client</c> a password reset from that client, <c>W seconds</c> time passing.
/// The attempt's client <c>-</c> is an unknown client.
/// </summary>
public sealed class LoginThrottleTests
{
    [Theory]
    // Nothing happened, or not enough.
    [InlineData("", "alice", "x", "Allowed")]
    [InlineData("F alice x 9", "alice", "x", "Allowed")]
    // One client guessing at one account: that client is stopped on that account...
    [InlineData("F alice x 10", "alice", "x", "Refused 300")]
    [InlineData("F ALICE x 10", "alice", "x", "Allowed")] // keys are normalised by the caller, not here
    // ...and nowhere else: the owner elsewhere, and the client on another account.
    [InlineData("F alice x 10", "alice", "y", "Allowed")]
    [InlineData("F alice x 10", "bob", "x", "Allowed")]
    [InlineData("F alice x 10", "alice", "-", "Allowed")]
    // The window slides: the wait runs from the oldest failure that still counts.
    [InlineData("F alice x 10; W 299", "alice", "x", "Refused 1")]
    [InlineData("F alice x 10; W 300", "alice", "x", "Allowed")]
    [InlineData("F alice x 5; W 60; F alice x 5", "alice", "x", "Refused 240")]
    [InlineData("F alice x 9; W 300; F alice x 1", "alice", "x", "Allowed")]
    // A success from the client forgives its failures on that account.
    [InlineData("F alice x 10; S alice x", "alice", "x", "Allowed")]
    [InlineData("F alice x 9; S alice x; F alice x 9", "alice", "x", "Allowed")]
    // One client spraying over many accounts is stopped on every account, and only that client.
    [InlineData("F * x 19", "carol", "x", "Allowed")]
    [InlineData("F * x 20", "carol", "x", "Refused 300")]
    [InlineData("F * x 20", "carol", "y", "Allowed")]
    [InlineData("F * x 20; S user0 x", "carol", "x", "Refused 300")]
    // Tokens that were never issued name no account: they count toward the client's limit only.
    [InlineData("F - x 20", "alice", "x", "Refused 300")]
    [InlineData("F - x 20", "alice", "y", "Allowed")]
    [InlineData("F - x 20", "-", "y", "Allowed")]
    // Many clients guessing at one account: below the account-wide limit nobody else notices.
    [InlineData("F alice * 99", "alice", "fresh", "Allowed")]
    // At it, a client that has not been failing may go on with a second factor only...
    [InlineData("F alice * 100", "alice", "fresh", "SecondFactorOnly 300")]
    // ...one that has failed, on any account, or that cannot be told apart, is refused...
    [InlineData("F alice * 100", "alice", "c0", "Refused 300")]
    [InlineData("F alice * 100; F bob y 1", "alice", "y", "Refused 300")]
    [InlineData("F alice * 100", "alice", "-", "Refused 300")]
    // ...other accounts are untouched, and the limit lets go with the window.
    [InlineData("F alice * 100", "bob", "fresh", "Allowed")]
    [InlineData("F alice * 100; W 300", "alice", "fresh", "Allowed")]
    // The owner's success does not lift the account-wide limit for others (they are still guessing)...
    [InlineData("F alice * 100; S alice z", "alice", "fresh", "SecondFactorOnly 300")]
    // ...but resetting the password through the mailbox does, and forgives the resetting client.
    [InlineData("F alice * 100; R alice z", "alice", "fresh", "Allowed")]
    [InlineData("F alice z 10; R alice z", "alice", "z", "Allowed")]
    public void Decides(string script, string account, string client, string expected)
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(clock);
        Run(throttle, clock, script);
        var decision = throttle.Check(Key(account), Key(client));
        var actual = decision.Verdict == ThrottleVerdict.Allowed
            ? "Allowed"
            : $"{decision.Verdict} {decision.RetryAfter.TotalSeconds:0.###}";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Reset_mail_is_limited_to_three_an_hour_per_account()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(clock);
        var alice = Guid.NewGuid();
        Assert.True(throttle.TryTakeResetMail(alice) && throttle.TryTakeResetMail(alice) && throttle.TryTakeResetMail(alice));
        Assert.False(throttle.TryTakeResetMail(alice));
        Assert.True(throttle.TryTakeResetMail(Guid.NewGuid()));
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(throttle.TryTakeResetMail(alice));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.TryTakeResetMail(alice));
    }

    [Fact]
    public void The_limits_are_the_documented_ones()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), LoginThrottle.Window);
        Assert.Equal(new LoginLimits(PerAccountAndClient: 10, PerClient: 20, PerAccount: 100, ResetMailsPerHour: 3), LoginLimits.Default);
    }

    private static string? Key(string k) => k == "-" ? null : k;

    private static void Run(LoginThrottle throttle, ManualClock clock, string script)
    {
        foreach (var step in script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var p = step.Split(' ');
            switch (p[0])
            {
                case "F":
                    for (var i = 0; i < int.Parse(p[3]); i++)
                        throttle.RecordFailure(p[1] == "*" ? $"user{i}" : Key(p[1]), p[2] == "*" ? $"c{i}" : Key(p[2]));
                    break;
                case "S": throttle.RecordSuccess(p[1], Key(p[2])); break;
                case "R": throttle.ForgiveAccount(p[1], Key(p[2])); break;
                case "W": clock.Advance(TimeSpan.FromSeconds(int.Parse(p[1]))); break;
                default: throw new ArgumentException($"Unknown step '{step}'");
            }
        }
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
