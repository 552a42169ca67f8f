using Cheeseshop.Core.Audit;

namespace Cheeseshop.Core.Tests.Audit;

public class LogTextTests
{
    [Theory]
    [InlineData(null, 10, "-")]
    [InlineData("", 10, "")]
    [InlineData("/simple/", 10, "/simple/")]
    [InlineData("0123456789", 10, "0123456789")]
    [InlineData("0123456789a", 10, "0123456789...(11 chars)")]
    [InlineData("a\nforged line", 100, "a\\u000aforged line")]
    [InlineData("a\r\u0000\u001b[31m", 100, "a\\u000d\\u0000\\u001b[31m")]
    [InlineData("line\u2028separator", 100, "line\\u2028separator")]
    [InlineData("\n\n\n\n", 2, "\\u000a\\u000a...(4 chars)")]
    public void KeepsAShortEscapedPrefix(string? value, int max, string expected) =>
        Assert.Equal(expected, LogText.Prefix(value, max));

    [Fact]
    public void AHugeValueBecomesAShortLine()
    {
        var line = LogText.Prefix(new string('x', 5000));
        Assert.Equal(LogText.DefaultMaxChars + "...(5000 chars)".Length, line.Length);
    }
}
