using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Core.Tests.Xmlrpc;

public class DoubleFormatTests
{
    // Expected texts are python3's repr() of the same literal.
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(12345.678, "12345.678")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(1e20, "1e+20")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(-1e-100, "-1e-100")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Doubles_are_written_as_Python_repr(double value, string expected) =>
        Assert.Equal(
            "<value><double>" + expected + "</double></value>\n",
            XmlRpcResponseWriter.Response(value).Split("<param>\n")[1].Split("</param>")[0]);
}
