using System.Numerics;
using System.Text;
using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Core.Tests.Xmlrpc;

public class XmlRpcRequestParserTests
{
    private const long Limit = 1024 * 1024;

    private static XmlRpcCall Parse(string body, long maxBytes = Limit) =>
        XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(body)), maxBytes);

    private static XmlRpcCall Parse(byte[] body, long maxBytes = Limit) =>
        XmlRpcRequestParser.Parse(new MemoryStream(body), maxBytes);

    private static string Call(string paramsXml) =>
        $"<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n{paramsXml}</params>\n</methodCall>\n";

    private static object? Single(string valueXml) => Assert.Single(Parse(Call($"<param>\n{valueXml}\n</param>\n")).Params);

    private static XmlRpcParseException Refused(string body, long maxBytes = Limit) =>
        Assert.Throws<XmlRpcParseException>(() => Parse(body, maxBytes));

    [Fact]
    public void Reads_the_request_CPython_writes()
    {
        // xmlrpc.client.dumps((1,'a',None,[1,2],{'k':True}), methodname='m', allow_none=True)
        var call = Parse(PythonGolden.RequestFromBrief);
        Assert.Equal("m", call.MethodName);
        XmlRpcAssert.Equal(
            new object?[] { 1, "a", null, new object?[] { 1, 2 }, new Dictionary<string, object?> { ["k"] = true } },
            call.Params);
    }

    [Fact]
    public void Reads_a_call_without_parameters()
    {
        var call = Parse(PythonGolden.RequestNoParams);
        Assert.Equal("changelog_last_serial", call.MethodName);
        Assert.Empty(call.Params);
    }

    [Fact]
    public void The_params_element_may_be_left_out()
    {
        var call = Parse("<methodCall><methodName>list_packages</methodName></methodCall>");
        Assert.Equal("list_packages", call.MethodName);
        Assert.Empty(call.Params);
    }

    [Theory]
    [InlineData("<value>  x </value>", "  x ")]
    [InlineData("<value/>", "")]
    [InlineData("<value></value>", "")]
    [InlineData("<value><string/></value>", "")]
    [InlineData("<value><string>  spaced\n</string></value>", "  spaced\n")]
    [InlineData("<value><string>a &amp; &lt;b&gt; &#233; &#x1D11E;</string></value>", "a & <b> é 𝄞")]
    [InlineData("<value><string><![CDATA[<raw> & ]]></string></value>", "<raw> & ")]
    [InlineData("<value>line\r\nbreak</value>", "line\nbreak")]
    public void Strings_typed_or_bare(string valueXml, string expected) => Assert.Equal(expected, Single(valueXml));

    [Theory]
    [InlineData("<value><int>42</int></value>", 42)]
    [InlineData("<value><i4>-7</i4></value>", -7)]
    [InlineData("<value><i8>5</i8></value>", 5)]
    [InlineData("<value>\n  <int> +12 </int>\n</value>", 12)]
    [InlineData("<value><int>2147483647</int></value>", int.MaxValue)]
    [InlineData("<value><int>-2147483648</int></value>", int.MinValue)]
    public void Integers_that_fit_32_bits_are_ints(string valueXml, int expected) => Assert.Equal(expected, Single(valueXml));

    [Fact]
    public void Larger_integers_are_longs_then_BigIntegers()
    {
        Assert.Equal(2147483648L, Single("<value><int>2147483648</int></value>"));
        Assert.Equal(long.MinValue, Single("<value><i8>-9223372036854775808</i8></value>"));
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890"), Single("<value><int>123456789012345678901234567890</int></value>"));
    }

    [Theory]
    [InlineData("<value><boolean>1</boolean></value>", true)]
    [InlineData("<value><boolean>0</boolean></value>", false)]
    [InlineData("<value><boolean> 1 </boolean></value>", true)]
    public void Booleans(string valueXml, bool expected) => Assert.Equal(expected, Single(valueXml));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-1.5e3", -1500.0)]
    [InlineData("1e+20", 1e20)]
    [InlineData(".5", 0.5)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("1e400", double.PositiveInfinity)]
    public void Doubles_including_Python_spellings(string text, double expected)
    {
        Assert.Equal(expected, Single($"<value><double>{text}</double></value>"));
        Assert.Equal(expected, Single($"<value><float>{text}</float></value>"));
    }

    [Fact]
    public void NaN_is_read() => Assert.True(double.IsNaN((double)Single("<value><double>nan</double></value>")!));

    [Fact]
    public void Nil_datetime_base64_and_bigdecimal()
    {
        Assert.Null(Single("<value><nil/></value>"));
        Assert.Null(Single("<value><nil></nil></value>"));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 30, 5), Single("<value><dateTime.iso8601>20240301T12:30:05</dateTime.iso8601></value>"));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 30, 5), Single("<value><dateTime.iso8601>2024-03-01T12:30:05</dateTime.iso8601></value>"));
        Assert.Equal(Encoding.ASCII.GetBytes("hello"), Single("<value><base64>\naGVsbG8=\n</base64></value>"));
        Assert.Equal(Array.Empty<byte>(), Single("<value><base64>\n</base64></value>"));
        Assert.Equal(1.25m, Single("<value><bigdecimal>1.25</bigdecimal></value>"));
    }

    [Fact]
    public void Namespaced_extension_types_are_read_by_local_name()
    {
        // Apache XML-RPC's extensions, which CPython also accepts by dropping the prefix.
        var call = Parse(
            "<methodCall xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'><methodName>m</methodName><params>" +
            "<param><value><ex:nil/></value></param><param><value><ex:i8>9</ex:i8></value></param></params></methodCall>");
        XmlRpcAssert.Equal(new object?[] { null, 9 }, call.Params);
    }

    [Fact]
    public void Struct_keeps_document_order_and_a_repeated_name_keeps_its_place_with_the_last_value()
    {
        var value = Single(
            "<value><struct>" +
            "<member><name>z</name><value><int>1</int></value></member>" +
            "<member><value><int>2</int></value><name>a</name></member>" +
            "<member><name>z</name><value><int>3</int></value></member>" +
            "</struct></value>");
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(value);
        Assert.Equal(["z", "a"], map.Keys);
        Assert.Equal(3, map["z"]);
        Assert.Equal(2, map["a"]);
    }

    [Fact]
    public void Empty_containers()
    {
        XmlRpcAssert.Equal(Array.Empty<object?>(), Single("<value><array><data/></array></value>"));
        XmlRpcAssert.Equal(Array.Empty<object?>(), Single("<value><array><data>\n</data></array></value>"));
        XmlRpcAssert.Equal(Array.Empty<object?>(), Single("<value><array/></value>"));
        XmlRpcAssert.Equal(new Dictionary<string, object?>(), Single("<value><struct/></value>"));
    }

    [Fact]
    public void Parsed_containers_are_read_only()
    {
        var list = Single("<value><array><data><value>a</value></data></array></value>");
        Assert.False(list is List<object?>);
        Assert.Throws<NotSupportedException>(() => ((IList<object?>)list!).Add(1));
    }

    [Fact]
    public void Bodies_in_other_declared_encodings_and_with_a_BOM_are_read()
    {
        var latin1 = Encoding.Latin1.GetBytes(
            "<?xml version='1.0' encoding='iso-8859-1'?><methodCall><methodName>m</methodName><params><param><value>Zoë</value></param></params></methodCall>");
        Assert.Equal("Zoë", Assert.Single(Parse(latin1).Params));

        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(PythonGolden.RequestNoParams)).ToArray();
        Assert.Equal("changelog_last_serial", Parse(withBom).MethodName);
    }

    [Fact]
    public void Comments_and_processing_instructions_are_ignored()
    {
        var call = Parse("<!-- hi --><methodCall><?pi x?><methodName>m</methodName><!-- c --><params><param><value><int>1</int><!-- c --></value></param></params></methodCall>");
        XmlRpcAssert.Equal(new object?[] { 1 }, call.Params);
    }

    // ---- refusals ----

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<methodCall><methodName>m</methodName>")]
    [InlineData("<methodCall><methodName>m</methodName></methodCall><another/>")]
    [InlineData("<methodCall><methodName>m</methodName></methodcall>")]
    [InlineData("<methodCall><methodName>a &undefined; b</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>&#0;</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value><undeclared:nil/></value></param></params></methodCall>")]
    public void Malformed_XML_is_a_parse_error_fault(string body)
    {
        var error = Refused(body);
        Assert.Equal(XmlRpcParseError.NotWellFormed, error.Error);
        Assert.Equal(new XmlRpcFault(-32700, "parse error; not well formed"), error.Fault);
    }

    [Fact]
    public void Invalid_UTF8_is_a_parse_error_fault()
    {
        var body = Encoding.UTF8.GetBytes(Call("<param><value>X</value></param>"));
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        Assert.Equal(XmlRpcParseError.NotWellFormed, Assert.Throws<XmlRpcParseException>(() => Parse(body)).Error);
    }

    [Fact]
    public void Undecodable_bytes_in_the_XML_declaration_are_a_parse_error_fault()
    {
        // System.Xml's reader throws ArgumentOutOfRangeException instead of XmlException on this
        // declaration (the libFuzzer input it comes from is fuzz/corpus/xmlrpc/crash-declaration-encoding.xml).
        var body = Encoding.ASCII.GetBytes("<?xml version='1.0" + new string('4', 62))
            .Concat(Enumerable.Repeat((byte)0xFF, 108))
            .Concat(Encoding.ASCII.GetBytes(new string('4', 17) + "'?><methodCall><methodName>m</methodName></methodCall>"))
            .ToArray();
        var error = Assert.Throws<XmlRpcParseException>(() => Parse(body));
        Assert.Equal(XmlRpcParseError.NotWellFormed, error.Error);
        Assert.Equal(-32700, error.Fault.Code);
    }

    [Fact]
    public void A_DTD_is_refused_even_when_harmless()
    {
        var error = Refused("<?xml version='1.0'?><!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>");
        Assert.Equal(XmlRpcParseError.NotWellFormed, error.Error);
        Assert.Equal(-32700, error.Fault.Code);
    }

    [Fact]
    public void Billion_laughs_is_refused_without_expanding_anything()
    {
        var body = new StringBuilder("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
            body.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString())};", 10))}\">\n");
        body.Append("]>\n<methodCall><methodName>&lol9;</methodName></methodCall>");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = Refused(body.ToString());
        Assert.Equal(XmlRpcParseError.NotWellFormed, error.Error);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void External_entities_are_refused_and_never_fetched()
    {
        var error = Refused(
            "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
            "<methodCall><methodName>m</methodName><params><param><value>&xxe;</value></param></params></methodCall>");
        Assert.Equal(XmlRpcParseError.NotWellFormed, error.Error);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<methodResponse><params/></methodResponse>")]
    [InlineData("<methodCall><methodName>m</methodName><methodName>n</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>m</methodName><extra/></methodCall>")]
    [InlineData("<methodCall><methodName>m<b/></methodName></methodCall>")]
    [InlineData("<methodCall><methodName>m</methodName>text<params/></methodCall>")]
    public void Wrong_call_structure_is_a_parse_error_fault(string body)
    {
        var error = Refused(body);
        Assert.Equal(XmlRpcParseError.InvalidStructure, error.Error);
        Assert.Equal(XmlRpcFault.NotWellFormed, error.Fault);
    }

    [Theory]
    [InlineData("<param/>")]
    [InlineData("<param></param>")]
    [InlineData("<param><value>a</value><value>b</value></param>")]
    [InlineData("<value>a</value>")]
    [InlineData("<param><value><foo>1</foo></value></param>")]
    [InlineData("<param><value><boolean>2</boolean></value></param>")]
    [InlineData("<param><value><boolean>true</boolean></value></param>")]
    [InlineData("<param><value><int>1.5</int></value></param>")]
    [InlineData("<param><value><int></int></value></param>")]
    [InlineData("<param><value><int>0x10</int></value></param>")]
    [InlineData("<param><value><double>1,5</double></value></param>")]
    [InlineData("<param><value><double>0x1p3</double></value></param>")]
    [InlineData("<param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param>")]
    [InlineData("<param><value><base64>***</base64></value></param>")]
    [InlineData("<param><value><nil>x</nil></value></param>")]
    [InlineData("<param><value>text<int>1</int></value></param>")]
    [InlineData("<param><value><int>1</int><int>2</int></value></param>")]
    [InlineData("<param><value><array><value>1</value></array></value></param>")]
    [InlineData("<param><value><array><data/><data/></array></value></param>")]
    [InlineData("<param><value><array><data><int>1</int></data></array></value></param>")]
    [InlineData("<param><value><struct><member><name>a</name></member></struct></value></param>")]
    [InlineData("<param><value><struct><member><value>1</value></member></struct></value></param>")]
    [InlineData("<param><value><struct><member/></struct></value></param>")]
    [InlineData("<param><value><struct><value>1</value></struct></value></param>")]
    [InlineData("<param><value><struct><member><name>a</name><name>b</name><value>1</value></member></struct></value></param>")]
    public void Wrong_value_structure_is_a_parse_error_fault(string paramsXml)
    {
        var error = Refused(Call(paramsXml));
        Assert.Equal(XmlRpcParseError.InvalidStructure, error.Error);
        Assert.Equal(XmlRpcFault.NotWellFormed, error.Fault);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Integers_longer_than_Pythons_digit_limit_are_refused()
    {
        Assert.IsType<BigInteger>(Single($"<value><int>{new string('9', 4300)}</int></value>"));
        Assert.Equal(XmlRpcParseError.InvalidStructure, Refused(Call($"<param><value><int>{new string('9', 4301)}</int></value></param>")).Error);
    }

    [Fact]
    public void A_call_without_a_method_name_is_method_not_found()
    {
        foreach (var body in new[] { "<methodCall/>", "<methodCall><params/></methodCall>" })
        {
            var error = Refused(body);
            Assert.Equal(XmlRpcParseError.MissingMethodName, error.Error);
            Assert.Equal(new XmlRpcFault(-32601, "server error; requested method not found"), error.Fault);
        }
    }

    private static string Nested(string open, string close, int depth, string inner) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    [Fact]
    public void Nesting_up_to_the_limit_is_read()
    {
        var value = Single(Nested("<value><array><data>", "</data></array></value>", XmlRpcRequestParser.MaxDepth, "<value>deep</value>"));
        for (var i = 0; i < XmlRpcRequestParser.MaxDepth; i++) value = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<object?>>(value));
        Assert.Equal("deep", value);
    }

    [Theory]
    [InlineData("<value><array><data>", "</data></array></value>")]
    [InlineData("<value><struct><member><name>k</name>", "</member></struct></value>")]
    public void Nesting_past_the_limit_is_refused(string open, string close)
    {
        var error = Refused(Call("<param>" + Nested(open, close, XmlRpcRequestParser.MaxDepth + 1, "<value/>") + "</param>"));
        Assert.Equal(XmlRpcParseError.TooDeep, error.Error);
        Assert.Equal(-32700, error.Fault.Code);
    }

    [Fact]
    public void Very_deep_nesting_fails_fast_without_exhausting_the_stack()
    {
        var error = Refused(Call("<param>" + Nested("<value><array><data>", "</data></array></value>", 100_000, "<value/>") + "</param>"), long.MaxValue);
        Assert.Equal(XmlRpcParseError.TooDeep, error.Error);
    }

    [Fact]
    public void A_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(PythonGolden.RequestFromBrief);
        Assert.Equal("m", Parse(body, body.Length).MethodName);

        var error = Assert.Throws<XmlRpcParseException>(() => Parse(body, body.Length - 1));
        Assert.Equal(XmlRpcParseError.TooLarge, error.Error);
        Assert.Equal(-32700, error.Fault.Code);
        Assert.Contains($"limit of {body.Length - 1} bytes", error.Fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_body_is_cut_off_at_the_limit()
    {
        var endless = new EndlessStream("<methodCall><methodName>"u8.ToArray(), (byte)'a');
        var error = Assert.Throws<XmlRpcParseException>(() => XmlRpcRequestParser.Parse(endless, 64 * 1024));
        Assert.Equal(XmlRpcParseError.TooLarge, error.Error);
        Assert.InRange(endless.BytesServed, 64 * 1024, 64 * 1024 + 64 * 1024);

        var again = new EndlessStream("<methodCall><methodName>"u8.ToArray(), (byte)'a');
        var asyncError = await Assert.ThrowsAsync<XmlRpcParseException>(() => XmlRpcRequestParser.ParseAsync(again, 64 * 1024));
        Assert.Equal(XmlRpcParseError.TooLarge, asyncError.Error);
        Assert.InRange(again.BytesServed, 64 * 1024, 64 * 1024 + 64 * 1024);
    }

    [Fact]
    public async Task ParseAsync_reads_the_same_as_Parse()
    {
        var call = await XmlRpcRequestParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(PythonGolden.RequestFromBrief)), Limit);
        Assert.Equal("m", call.MethodName);
        Assert.Equal(5, call.Params.Count);
        await Assert.ThrowsAsync<XmlRpcParseException>(() => XmlRpcRequestParser.ParseAsync(new MemoryStream("<x"u8.ToArray()), Limit));
    }

    [Fact]
    public void The_caller_keeps_ownership_of_the_stream()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(PythonGolden.RequestNoParams));
        XmlRpcRequestParser.Parse(stream, Limit);
        Assert.True(stream.CanRead);
    }

    /// <summary>A prefix followed by the same byte forever, counting what was handed out.</summary>
    private sealed class EndlessStream(byte[] prefix, byte filler) : Stream
    {
        public long BytesServed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesServed; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = BytesServed < prefix.Length ? prefix[BytesServed] : filler;
                BytesServed++;
            }
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
