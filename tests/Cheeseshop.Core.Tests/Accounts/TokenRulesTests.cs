using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Core.Tests.Accounts;

/// <summary>Token scopes, lifetimes and project limits as tables.</summary>
public sealed class TokenRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(null, "Upload")]
    [InlineData("", "Upload")]
    [InlineData("upload", "Upload")]
    [InlineData(" Read ", "Read")]
    [InlineData("READ", "Read")]
    [InlineData("write", null)]
    [InlineData("read,upload", null)]
    public void Scopes(string? text, string? expected)
    {
        var ok = TokenRules.TryParseScope(text, out var scope);
        Assert.Equal(expected, ok ? scope.ToString() : null);
    }

    [Theory]
    [InlineData("Upload", true)]
    [InlineData("Read", false)]
    public void OnlyUploadTokensUpload(string scope, bool mayUpload) =>
        Assert.Equal(mayUpload, TokenRules.MayUpload(Enum.Parse<TokenScope>(scope)));

    [Theory]
    [InlineData(null, null)]
    [InlineData("90d", "2027-03-06 08:00")]
    [InlineData(" 1D ", "2026-12-07 08:00")]
    [InlineData("12w", "2027-02-28 08:00")]
    [InlineData("3650d", "2036-12-03 08:00")]
    [InlineData("3651d", "error")]
    [InlineData("521w", "2036-11-30 08:00")]
    [InlineData("522w", "error")]
    [InlineData("0d", "error")]
    [InlineData("-5d", "error")]
    [InlineData("+5d", "error")]
    [InlineData("90", "error")]
    [InlineData("d", "error")]
    [InlineData("", "error")]
    [InlineData("3m", "error")]
    [InlineData("1.5d", "error")]
    [InlineData("99999999999d", "error")]
    public void Lifetimes(string? text, string? expected)
    {
        var error = TokenRules.TryParseExpiry(text, Now, out var expires);
        var actual = error is not null ? "error" : expires?.ToString("yyyy-MM-dd HH:mm");
        Assert.Equal(expected, actual);
        if (error is not null) Assert.Contains("90d", error);
    }

    [Theory]
    [InlineData(null, "2026-12-06 08:00:00", false)]
    [InlineData("2026-12-06 08:00:01", "2026-12-06 08:00:00", false)]
    [InlineData("2026-12-06 08:00:00", "2026-12-06 08:00:00", true)]
    [InlineData("2026-12-06 07:59:59", "2026-12-06 08:00:00", true)]
    public void Expiry(string? expires, string now, bool expired) =>
        Assert.Equal(expired, TokenRules.IsExpired(expires is null ? null : DateTime.Parse(expires), DateTime.Parse(now)));

    [Theory]
    [InlineData("foo", "foo-1.0.tar.gz", true)]
    [InlineData("foo", "foo-1.0-py3-none-any.whl", true)]
    [InlineData("foo", "foo-1.0-py3-none-any.whl.metadata", true)]
    [InlineData("foo-bar", "foo_bar-2.0-py3-none-any.whl", true)]
    [InlineData("foo-bar", "Foo.Bar-2.0.tar.gz", true)]
    [InlineData("foo", "foo_bar-2.0-py3-none-any.whl", false)]
    [InlineData("foo", "foo-bar-2.0.tar.gz", false)]
    [InlineData("foo-bar", "foo-2.0.tar.gz", false)]
    [InlineData("foo", "foobar-1.0.tar.gz", false)]
    [InlineData("foo", "foo", false)]
    [InlineData("foo", "foo-", false)]
    [InlineData("foo", "bar-1.0.tar.gz", false)]
    public void ProjectLimitOnFiles(string project, string filename, bool covered) =>
        Assert.Equal(covered, TokenRules.ProjectCoversFile(project, filename));
}
