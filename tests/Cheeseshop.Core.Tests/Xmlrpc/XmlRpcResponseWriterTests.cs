using System.Text;
using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Core.Tests.Xmlrpc;

public class XmlRpcResponseWriterTests
{
    private static Dictionary<string, object?> Ordered(params (string Key, object? Value)[] members)
    {
        var map = new Dictionary<string, object?>();
        foreach (var (key, value) in members) map.Add(key, value);
        return map;
    }

    // Each value mirrors the Python value PythonGolden.py marshals under the same name.
    public static TheoryData<string, object?, string> GoldenCases => new()
    {
        { "Int", 42, PythonGolden.Int },
        { "NegativeInt", int.MinValue, PythonGolden.NegativeInt },
        { "EscapedString", "a<&>\"' ]]> b", PythonGolden.EscapedString },
        { "Nil", null, PythonGolden.Nil },
        { "True", true, PythonGolden.BooleanTrue },
        { "False", false, PythonGolden.BooleanFalse },
        { "NestedArray", new object?[] { 1, "two", null, new object?[] { 3.5 }, new Dictionary<string, object?>() }, PythonGolden.NestedArray },
        {
            "OrderedStruct",
            Ordered(("name", "x"), ("serial", 7), ("nested", Ordered(("b", Array.Empty<object>()), ("a", null)))),
            PythonGolden.OrderedStruct
        },
        {
            "Doubles",
            new object[] { 1.5, 1e20, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.1, 1e-05, 123456789.123 },
            PythonGolden.Doubles
        },
        { "DateTime", new DateTime(2024, 3, 1, 12, 30, 5), PythonGolden.DateTimeValue },
        { "EarlyDateTime", new DateTime(33, 1, 2, 3, 4, 5), PythonGolden.EarlyDateTime },
        { "Bytes", Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), PythonGolden.Base64Bytes },
        { "EmptyBytes", Array.Empty<byte>(), PythonGolden.EmptyBytes },
        { "Unicode", "Zoë ☃ 𝄞", PythonGolden.Unicode },
        {
            "Changelog",
            new List<object?[]>
            {
                new object?[] { "Foo", "1.0", 1700000000, "new release", 12345 },
                new object?[] { "bar", null, 1700000001, "create", 12346 },
            },
            PythonGolden.Changelog
        },
        { "EmptyArray", new List<object?>(), PythonGolden.EmptyArray },
        { "EmptyStruct", new Dictionary<string, object?>(), PythonGolden.EmptyStruct },
        { "CarriageReturn", "a\r\nb\tc", PythonGolden.CarriageReturn },
    };

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Response_matches_CPython_byte_for_byte(string name, object? value, string expected)
    {
        Assert.NotNull(name);
        Assert.Equal(expected, XmlRpcResponseWriter.Response(value));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), XmlRpcResponseWriter.ResponseUtf8(value));
    }

    [Fact]
    public void Fault_matches_CPython_byte_for_byte()
    {
        Assert.Equal(PythonGolden.FaultMethodNotFound, XmlRpcResponseWriter.Fault(XmlRpcFault.MethodNotFound));
        Assert.Equal(
            PythonGolden.FaultSearch,
            XmlRpcResponseWriter.Fault(XmlRpcFault.Wrapped("RuntimeError", "PyPI no longer supports <pip search> & co.")));
    }

    [Fact]
    public void Request_matches_CPython_byte_for_byte()
    {
        var call = XmlRpcRequestWriter.Call("m", 1, "a", null, new[] { 1, 2 }, new Dictionary<string, object?> { ["k"] = true });
        Assert.Equal(PythonGolden.RequestFromBrief, call);
        Assert.Equal(PythonGolden.RequestNoParams, XmlRpcRequestWriter.Call("changelog_last_serial"));
    }

    [Fact]
    public void Struct_keeps_insertion_order_of_an_ordered_dictionary()
    {
        var map = new OrderedDictionary<string, object?> { ["z"] = 1, ["a"] = 2, ["m"] = 3 };
        var xml = XmlRpcResponseWriter.Response(map);
        Assert.True(xml.IndexOf("<name>z</name>", StringComparison.Ordinal) < xml.IndexOf("<name>a</name>", StringComparison.Ordinal));
        Assert.True(xml.IndexOf("<name>a</name>", StringComparison.Ordinal) < xml.IndexOf("<name>m</name>", StringComparison.Ordinal));
    }

    [Fact]
    public void A_list_of_pairs_is_a_struct()
    {
        var pairs = new List<KeyValuePair<string, object?>> { new("b", 1), new("a", 2) };
        Assert.Contains("<struct>\n<member>\n<name>b</name>", XmlRpcResponseWriter.Response(pairs), StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_dictionaries_and_other_integer_types_are_accepted()
    {
        var xml = XmlRpcResponseWriter.Response(new Dictionary<string, int> { ["x"] = 1 });
        Assert.Contains("<name>x</name>\n<value><int>1</int></value>", xml, StringComparison.Ordinal);
        Assert.Contains("<int>5</int>", XmlRpcResponseWriter.Response(5L), StringComparison.Ordinal);
        Assert.Contains("<int>7</int>", XmlRpcResponseWriter.Response((short)7), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\u0000b", "ab")]
    [InlineData("\u0001\u0008\u000B\u000C\u001F", "")]
    [InlineData("x\uFFFEy\uFFFF", "xy")]
    [InlineData("tab\tnewline\ncr\r", "tab\tnewline\ncr\r")]
    public void Characters_XML_cannot_carry_are_dropped(string value, string written)
    {
        var xml = XmlRpcResponseWriter.Response(value);
        Assert.Contains("<string>" + written + "</string>", xml, StringComparison.Ordinal);
        // And the result is well-formed XML that .NET's own strict reader accepts.
        System.Xml.Linq.XDocument.Parse(xml);
    }

    [Fact]
    public void Lone_surrogates_are_dropped_and_pairs_kept()
    {
        // Built at run time: attribute arguments cannot carry unpaired surrogates.
        var value = "a" + (char)0xD800 + "b" + (char)0xDC00 + "c\uD834\uDD1E";
        Assert.Contains("<string>abc\uD834\uDD1E</string>", XmlRpcResponseWriter.Response(value), StringComparison.Ordinal);
    }

    [Fact]
    public void Struct_member_names_are_escaped_and_cleaned_too()
    {
        var xml = XmlRpcResponseWriter.Response(new Dictionary<string, object?> { ["a<b&\u0001"] = 1 });
        Assert.Contains("<name>a&lt;b&amp;</name>", xml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2147483648L)]
    [InlineData(-2147483649L)]
    public void Integers_beyond_32_bits_are_refused_like_CPython(long value)
    {
        var error = Assert.Throws<OverflowException>(() => XmlRpcResponseWriter.Response(value));
        Assert.Equal("int exceeds XML-RPC limits", error.Message);
    }

    [Fact]
    public void Recursive_containers_are_refused()
    {
        var list = new List<object?>();
        list.Add(list);
        Assert.Throws<NotSupportedException>(() => XmlRpcResponseWriter.Response(list));
    }

    [Fact]
    public void The_same_container_twice_side_by_side_is_not_recursion()
    {
        var shared = new object?[] { 1 };
        Assert.Contains("<int>1</int></value>\n</data></array></value>\n<value><array>", XmlRpcResponseWriter.Response(new object?[] { shared, shared }), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_types_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => XmlRpcResponseWriter.Response(new { A = 1 }));
        Assert.Throws<NotSupportedException>(() => XmlRpcResponseWriter.Response(new Dictionary<int, object?> { [1] = 1 }));
    }

    [Fact]
    public void DateTimeOffset_is_written_in_UTC()
    {
        var value = new DateTimeOffset(2024, 3, 1, 14, 30, 5, TimeSpan.FromHours(2));
        Assert.Contains("<dateTime.iso8601>20240301T12:30:05</dateTime.iso8601>", XmlRpcResponseWriter.Response(value), StringComparison.Ordinal);
    }
}
