using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>Security keys' names, signature counters and single-use challenges, as tables.</summary>
public sealed class SecurityKeyRulesTests
{
    [Theory]
    [InlineData("blue YubiKey", "", "blue YubiKey", null)]
    [InlineData("  laptop  ", "", "laptop", null)]
    [InlineData("", "", null, "Give the key a name")]
    [InlineData("   ", "", null, "Give the key a name")]
    [InlineData(null, "", null, "Give the key a name")]
    [InlineData("line\nbreak", "", null, "control characters")]
    [InlineData("tab\there", "", null, "control characters")]
    [InlineData("Laptop", "laptop|phone", null, "already have a key called \"Laptop\"")]
    [InlineData("tablet", "laptop|phone", "tablet", null)]
    [InlineData("ключ 🔑", "", "ключ 🔑", null)]
    public void Names(string? name, string existing, string? kept, string? error)
    {
        var (n, e) = SecurityKeyRules.CheckName(name, existing.Split('|', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(kept, n);
        if (error is null) Assert.Null(e);
        else Assert.Contains(error, e);
    }

    [Fact]
    public void NameLengthLimit()
    {
        Assert.Equal(new string('k', 64), SecurityKeyRules.CheckName(new string('k', 64), []).Name);
        Assert.Contains("at most 64", SecurityKeyRules.CheckName(new string('k', 65), []).Error);
    }

    [Theory]
    [InlineData(0, 0, true)]   // an authenticator without a counter
    [InlineData(0, 1, true)]
    [InlineData(5, 6, true)]
    [InlineData(5, 500, true)] // counters may jump (one key used with other sites)
    [InlineData(5, 5, false)]  // the same value again: a replay or a clone
    [InlineData(5, 4, false)]  // behind: a clone
    [InlineData(5, 0, false)]  // a counter that stopped counting
    [InlineData(4294967295, 4294967295, false)]
    public void Counters(long stored, long presented, bool advances) =>
        Assert.Equal(advances, SecurityKeyRules.CounterAdvances(stored, presented));

    [Theory]
    // never used, counter fine
    [InlineData(3, 4, null, 100, "Accepted")]
    // used before this challenge was issued: fine
    [InlineData(3, 4, 99, 100, "Accepted")]
    // used at or after the challenge's issue: the challenge has been spent
    [InlineData(3, 4, 100, 100, "ChallengeUsed")]
    [InlineData(3, 4, 160, 100, "ChallengeUsed")]
    [InlineData(0, 0, 160, 100, "ChallengeUsed")]
    // a fresh challenge with a counter that went back
    [InlineData(7, 3, 50, 100, "CounterRegressed")]
    [InlineData(0, 0, 50, 100, "Accepted")]
    public void Assertions(long stored, long presented, int? lastUsedSecond, int issuedSecond, string verdict)
    {
        var t0 = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
        DateTime? lastUsed = lastUsedSecond is { } s ? t0.AddSeconds(s) : null;
        Assert.Equal(verdict, SecurityKeyRules.Judge(stored, presented, lastUsed, t0.AddSeconds(issuedSecond)).ToString());
    }
}
