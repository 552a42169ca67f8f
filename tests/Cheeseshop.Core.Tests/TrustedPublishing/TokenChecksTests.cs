using Cheeseshop.Core.TrustedPublishing;

namespace Cheeseshop.Core.Tests.TrustedPublishing;

public sealed class TokenChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Times are seconds relative to now; null: the claim is absent.</summary>
    [Theory]
    [InlineData(300, -10, -10, null)]
    [InlineData(300, null, null, null)]
    [InlineData(null, -10, -10, "no 'exp' claim")]
    [InlineData(-31, -400, -400, "expired at")]
    [InlineData(-30, -400, -400, "expired at")]   // the leeway is 30 s: exp 30 s ago is past it
    [InlineData(-29, -400, -400, null)]           // within the leeway
    [InlineData(300, 31, -10, "not valid before")]
    [InlineData(300, 30, -10, null)]
    [InlineData(300, -10, 31, "issued in the future")]
    [InlineData(300, -10, 30, null)]
    public void Times(int? exp, int? nbf, int? iat, string? problem)
    {
        DateTimeOffset? At(int? s) => s is { } v ? Now.AddSeconds(v) : null;
        var actual = TokenChecks.TimeProblem(At(exp), At(nbf), At(iat), Now);
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual ?? "(accepted)");
    }

    [Theory]
    [InlineData("https://token.actions.githubusercontent.com", null)]
    [InlineData("https://gitlab.com", null)]
    [InlineData("https://idp.example.com/realms/ci/", null)]
    [InlineData("http://127.0.0.1:5001", null)]
    [InlineData("http://localhost:5001/issuer", null)]
    [InlineData("http://[::1]:5001", null)]
    [InlineData("http://127.0.0.2:5001", null)]
    [InlineData("http://idp.example.com", "must be https")]
    [InlineData("http://10.0.0.1", "must be https")]
    [InlineData("ftp://idp.example.com", "must be https")]
    [InlineData("https://idp.example.com/?a=b", "must not carry a query")]
    [InlineData("https://user:pw@idp.example.com", "must not carry a query, a fragment or credentials")]
    [InlineData("idp.example.com", "not an absolute URL")]
    [InlineData("", "not an absolute URL")]
    public void Issuers(string url, string? problem)
    {
        var actual = TokenChecks.IssuerProblem(url);
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual ?? "(accepted)");
    }

    [Theory]
    [InlineData("abc", null)]
    [InlineData("", "no 'jti' claim")]
    [InlineData(null, "no 'jti' claim")]
    public void Jti(string? jti, string? problem)
    {
        var actual = TokenChecks.JtiProblem(jti);
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual ?? "(accepted)");
    }

    [Fact]
    public void LongJti() => Assert.Contains("longer than", TokenChecks.JtiProblem(new string('j', 201)));
}
