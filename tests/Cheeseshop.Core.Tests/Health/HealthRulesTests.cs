using Cheeseshop.Core.Health;

namespace Cheeseshop.Core.Tests.Health;

public class HealthRulesTests
{
    [Theory]
    [InlineData(0b110_000_000, Verdict.Ok, "0600")]
    [InlineData(0b100_000_000, Verdict.Ok, "0400")]
    [InlineData(0b110_100_000, Verdict.Fail, "0640")]
    [InlineData(0b110_100_100, Verdict.Fail, "0644")]
    [InlineData(0b110_000_010, Verdict.Fail, "0602")]
    [InlineData(0b111_111_111, Verdict.Fail, "0777")]
    [InlineData(0b010_000_000, Verdict.Fail, "0200")]
    [InlineData(0, Verdict.Fail, "0000")]
    public void Key_file_mode(int mode, Verdict expected, string shown)
    {
        var finding = HealthRules.KeyFile("/d/secrets/ip-hash.key", (UnixFileMode)mode);
        Assert.Equal(expected, finding.Verdict);
        Assert.Contains(shown, finding.Message);
        if (expected == Verdict.Fail) Assert.Equal("chmod 600 /d/secrets/ip-hash.key", finding.Fix);
    }

    [Fact]
    public void A_missing_key_file_is_a_warning_with_what_happens_next()
    {
        var finding = HealthRules.KeyFile("/k", null);
        Assert.Equal(Verdict.Warn, finding.Verdict);
        Assert.Contains("first start", finding.Fix);
    }

    [Theory]
    [InlineData(null, Verdict.Warn)]
    [InlineData(0.0, Verdict.Ok)]
    [InlineData(59.9, Verdict.Ok)]
    [InlineData(60.0, Verdict.Ok)]
    [InlineData(60.01, Verdict.Warn)]
    [InlineData(400.0, Verdict.Warn)]
    public void Country_database_age(double? ageDays, Verdict expected)
    {
        var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
        var finding = HealthRules.CountryDatabase("/g.mmdb", ageDays is { } d ? now - TimeSpan.FromDays(d) : null, now);
        Assert.Equal(expected, finding.Verdict);
        if (expected == Verdict.Warn) Assert.Contains("geoip fetch", finding.Fix);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(0.0, false)]
    [InlineData(61.0, false)]
    [InlineData(61.001, true)]
    [InlineData(3600.0, true)]
    public void Writer_stuck_after_flush_interval_and_grace(double? secondsSinceBatchTaken, bool stuck)
    {
        var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
        DateTimeOffset? taken = secondsSinceBatchTaken is { } s ? now - TimeSpan.FromSeconds(s) : null;
        Assert.Equal(stuck, HealthRules.WriterStuck(taken, now, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Overall_is_the_worst_verdict()
    {
        Assert.Equal(Verdict.Ok, HealthRules.Overall([]));
        Assert.Equal(Verdict.Warn, HealthRules.Overall([new("a", Verdict.Ok, ""), new("b", Verdict.Warn, "")]));
        Assert.Equal(Verdict.Fail, HealthRules.Overall([new("a", Verdict.Fail, ""), new("b", Verdict.Warn, "")]));
    }
}
