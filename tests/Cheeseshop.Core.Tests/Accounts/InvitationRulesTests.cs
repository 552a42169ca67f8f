using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>Invitation links: their state over time and use, and which texts can be a token at all.</summary>
public sealed class InvitationRulesTests
{
    private static readonly DateTime Created = new(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("2026-12-06 08:00:00", null, null, InvitationState.Open)]
    [InlineData("2026-12-13 07:59:59", null, null, InvitationState.Open)]
    [InlineData("2026-12-13 08:00:00", null, null, InvitationState.Expired)]
    [InlineData("2027-01-01 00:00:00", null, null, InvitationState.Expired)]
    [InlineData("2026-12-07 08:00:00", "2026-12-07 07:00:00", null, InvitationState.Used)]
    [InlineData("2027-01-01 00:00:00", "2026-12-07 07:00:00", null, InvitationState.Used)]
    [InlineData("2026-12-07 08:00:00", null, "2026-12-07 07:00:00", InvitationState.Revoked)]
    [InlineData("2027-01-01 00:00:00", null, "2026-12-07 07:00:00", InvitationState.Revoked)]
    [InlineData("2026-12-08 08:00:00", "2026-12-07 07:00:00", "2026-12-07 09:00:00", InvitationState.Used)]
    public void States(string now, string? used, string? revoked, InvitationState expected)
    {
        static DateTime At(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var expires = InvitationRules.ExpiresAt(Created);
        Assert.Equal(Created.AddDays(7), expires);
        Assert.Equal(expected, InvitationRules.State(At(now), expires, used is null ? null : At(used), revoked is null ? null : At(revoked)));
    }

    [Theory]
    [InlineData(InvitationState.Used, "already used")]
    [InlineData(InvitationState.Revoked, "withdrawn")]
    [InlineData(InvitationState.Expired, "7 days")]
    [InlineData(InvitationState.Unknown, "not valid")]
    public void EachRefusalSaysWhy(InvitationState state, string words) => Assert.Contains(words, InvitationRules.Explain(state));

    [Fact]
    public void ANewTokenParsesBackAndMatchesOnlyItsOwnHash()
    {
        var token = InvitationRules.NewToken();
        var parsed = InvitationRules.Parse(token.ToString());
        Assert.Equal(token, parsed);
        var hash = InvitationRules.Hash(token.Secret);
        Assert.Equal(32, hash.Length);
        Assert.True(InvitationRules.Matches(hash, token.Secret));
        Assert.False(InvitationRules.Matches(hash, InvitationRules.NewToken().Secret));
        var flipped = (token.Secret[0] == 'A' ? 'B' : 'A') + token.Secret[1..];
        Assert.False(InvitationRules.Matches(hash, flipped));
        Assert.NotEqual(token.Secret, InvitationRules.NewToken().Secret);
    }

    public static TheoryData<string?> NotTokens => new()
    {
        null, "", "abc", "0123456789abcdef0123456789abcdef",
        // the right lengths, but not hex before the dot
        "0123456789abcdef0123456789abcdeZ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        // a secret one character short, one long, with a character base64url does not use
        "0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        // the dot elsewhere
        "0123456789abcdef0123456789abcde.fAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };

    [Theory]
    [MemberData(nameof(NotTokens))]
    public void TextsThatCannotBeTokens(string? text) => Assert.Null(InvitationRules.Parse(text));

    [Fact]
    public void SpacesAroundAPastedTokenAreForgiven()
    {
        var token = InvitationRules.NewToken();
        Assert.Equal(token, InvitationRules.Parse("  " + token + "\n"));
    }
}
