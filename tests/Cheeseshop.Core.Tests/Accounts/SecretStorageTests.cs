using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>What the database holds of a secret: an Argon2id hash of a password, SHA-256 of a token's
/// secret; neither gives the secret back, and a near miss does not match.</summary>
public sealed class SecretStorageTests
{
    [Fact]
    public void Passwords_are_stored_as_salted_argon2id_hashes()
    {
        var hasher = new PasswordHasher(memoryKiB: 1024, passes: 1);
        var first = hasher.Hash("correct horse battery staple");
        var second = hasher.Hash("correct horse battery staple");
        Assert.StartsWith("$argon2id$v=19$", first);
        Assert.DoesNotContain("correct horse", first);
        Assert.NotEqual(first, second);
        Assert.True(PasswordHasher.Verify("correct horse battery staple", first));
        Assert.False(PasswordHasher.Verify("correct horse battery stapLe", first));
        Assert.False(PasswordHasher.Verify("correct horse battery staple", null));
        Assert.False(PasswordHasher.Verify("correct horse battery staple", "$argon2id$v=19$garbage"));
    }

    [Fact]
    public void A_token_is_found_by_its_id_and_matches_only_its_own_secret()
    {
        var issued = ApiTokenCodec.Create();
        Assert.True(ApiTokenCodec.TryParse(issued.Token, out var id, out var hash));
        Assert.Equal(issued.Id, id);
        Assert.True(ApiTokenCodec.Matches(hash, issued.SecretHash));
        Assert.Equal(32, issued.SecretHash.Length);
        Assert.DoesNotContain(Convert.ToBase64String(issued.SecretHash), issued.Token);

        // Every character of the secret matters (the last one only by its significant bits).
        var secretStart = issued.Token.IndexOf('.') + 1;
        for (var i = secretStart; i < issued.Token.Length - 1; i++)
        {
            var changed = issued.Token[..i] + (issued.Token[i] == 'A' ? 'B' : 'A') + issued.Token[(i + 1)..];
            Assert.True(ApiTokenCodec.TryParse(changed, out var sameId, out var otherHash));
            Assert.Equal(issued.Id, sameId);
            Assert.False(ApiTokenCodec.Matches(otherHash, issued.SecretHash), $"secret changed at {i}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pypi-AgENdGVzdC5weXBpLm9yZw")]
    [InlineData("cheeseshop-")]
    [InlineData("cheeseshop-.secret")]
    [InlineData("cheeseshop-AAAAAAAAAAAAAAAAAAAAAA.AAAA")]
    [InlineData("cheeseshop-not base64!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void What_is_not_one_of_our_tokens_is_not_parsed(string? token) =>
        Assert.False(ApiTokenCodec.TryParse(token, out _, out _));
}
