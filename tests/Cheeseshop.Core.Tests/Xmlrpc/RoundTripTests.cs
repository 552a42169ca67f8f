using System.Numerics;
using System.Text;
using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Core.Tests.Xmlrpc;

/// <summary>What the request writer emits, the parser reads back unchanged.</summary>
public class RoundTripTests
{
    public static TheoryData<object?> Values => new()
    {
        null,
        0,
        int.MinValue,
        true,
        false,
        "",
        "   padded   ",
        "a & b < c > d ]]> \"e\" 'f'",
        "multi\nline\ttabbed",
        "Zoë ☃ 𝄞 中文",
        0.1,
        -1e-300,
        double.MaxValue,
        double.NegativeInfinity,
        new DateTime(2038, 1, 19, 3, 14, 8),
        new byte[] { 1, 2, 3, 250 },
        Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray(),
        new object?[] { },
        new object?[] { 1, "two", null, new object?[] { 3.5, new object?[] { } } },
        new Dictionary<string, object?>(),
        new Dictionary<string, object?> { ["b"] = 1, ["a"] = new Dictionary<string, object?> { ["x"] = new object?[] { null } }, [""] = "empty key" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Value_survives_a_round_trip(object? value)
    {
        var xml = XmlRpcRequestWriter.Call("echo", value);
        var call = XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), 1 << 20);
        Assert.Equal("echo", call.MethodName);
        XmlRpcAssert.Equal(value, Assert.Single(call.Params));
    }

    [Fact]
    public void NaN_survives_a_round_trip()
    {
        var xml = XmlRpcRequestWriter.Call("echo", double.NaN);
        var call = XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), 1 << 20);
        Assert.True(double.IsNaN((double)call.Params[0]!));
    }

    [Fact]
    public void Many_parameters_keep_their_order()
    {
        var values = Enumerable.Range(0, 50).Cast<object?>().ToArray();
        var call = XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(XmlRpcRequestWriter.Call("m", values))), 1 << 20);
        XmlRpcAssert.Equal(values, call.Params);
    }

    [Fact]
    public void A_carriage_return_comes_back_as_a_newline_as_in_any_XML()
    {
        // XML line-end normalisation: CPython's client sees the same.
        var call = XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(XmlRpcRequestWriter.Call("m", "a\r\nb\rc"))), 1 << 20);
        Assert.Equal("a\nb\nc", call.Params[0]);
    }

    [Fact]
    public void BigInteger_within_32_bits_is_written_and_read_as_int() =>
        Assert.Equal(5, XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(XmlRpcRequestWriter.Call("m", new BigInteger(5)))), 1 << 20).Params[0]);
}
