using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>The username of an account made at a first single sign-on, from the provider's claims.</summary>
public sealed class SsoUsernamesTests
{
    [Theory]
    [InlineData("alice", "bob@example.org", "alice")]
    [InlineData(null, "bob@example.org", "bob")]
    [InlineData("", "bob.smith@example.org", "bob.smith")]
    [InlineData("  ", "b+tag@example.org", "b-tag")]
    [InlineData("Ana María", null, "Ana-Mar-a")]
    [InlineData("__x__", null, "x")]
    [InlineData("a  b", null, "a-b")]
    [InlineData("-", "@example.org", "user")]
    [InlineData(null, null, "user")]
    [InlineData("deleted-user", "carol@example.org", "carol")]
    [InlineData("DOMAIN\\jdoe", null, "DOMAIN-jdoe")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void The_base_name_is_a_valid_username(string? preferred, string? email, string expected)
    {
        var name = SsoUsernames.Base(preferred, email);
        Assert.Equal(expected, name);
        Assert.Null(Usernames.Problem(name));
        Assert.Null(Usernames.Problem(SsoUsernames.WithSuffix(name, 99)));
    }

    [Theory]
    [InlineData(1, "alice")]
    [InlineData(2, "alice-2")]
    [InlineData(10, "alice-10")]
    public void A_taken_name_gets_a_number(int attempt, string expected) =>
        Assert.Equal(expected, SsoUsernames.WithSuffix("alice", attempt));
}
