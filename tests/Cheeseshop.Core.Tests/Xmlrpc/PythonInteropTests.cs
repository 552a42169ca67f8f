using System.Globalization;
using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Core.Tests.Xmlrpc;

/// <summary>
/// The codec against the machine's CPython: Python must read what we write, we must read what
/// Python writes, and our bytes must equal Python's for the same data.
/// </summary>
public class PythonInteropTests
{
    [PythonFact]
    public void Python_reads_our_response()
    {
        var value = new Dictionary<string, object?>
        {
            ["changelog"] = new object?[] { new object?[] { "Foo", null, 1700000000, "add source file foo-1.0.tar.gz", 42 } },
            ["flags"] = new object?[] { true, false },
            ["pi"] = 3.141592653589793,
            ["when"] = new DateTime(2024, 3, 1, 12, 30, 5),
            ["blob"] = Encoding.ASCII.GetBytes("bytes!"),
            ["text"] = "<&> 'quoted' \"double\" Zoë 𝄞 \u0001ctl",
        };

        var printed = Python3.Run(
            """
            import sys, json, xmlrpc.client as x
            (value,), method = x.loads(sys.stdin.read(), use_builtin_types=True)
            value['when'] = value['when'].isoformat()
            value['blob'] = value['blob'].decode('ascii')
            print(json.dumps({'method': method, 'value': value}, sort_keys=True, separators=(',', ':')))
            """,
            XmlRpcResponseWriter.Response(value));

        using var json = JsonDocument.Parse(printed);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("method").ValueKind);
        var read = json.RootElement.GetProperty("value");
        Assert.Equal("""[["Foo",null,1700000000,"add source file foo-1.0.tar.gz",42]]""", read.GetProperty("changelog").GetRawText());
        Assert.Equal("[true,false]", read.GetProperty("flags").GetRawText());
        Assert.Equal(3.141592653589793, read.GetProperty("pi").GetDouble());
        Assert.Equal("2024-03-01T12:30:05", read.GetProperty("when").GetString());
        Assert.Equal("bytes!", read.GetProperty("blob").GetString());
        Assert.Equal("<&> 'quoted' \"double\" Zoë 𝄞 ctl", read.GetProperty("text").GetString());
    }

    [PythonFact]
    public void Python_reads_our_fault()
    {
        var printed = Python3.Run(
            """
            import sys, xmlrpc.client as x
            try:
                x.loads(sys.stdin.read())
            except x.Fault as f:
                print(f.faultCode, f.faultString)
            """,
            XmlRpcResponseWriter.Fault(XmlRpcFault.InvalidParams(["serial: Input should be a valid integer"])));
        Assert.Equal("-32602 client error; serial: Input should be a valid integer", printed.Trim());
    }

    [PythonFact]
    public void We_read_the_requests_Python_writes()
    {
        var request = Python3.Run(
            """
            import sys, datetime, xmlrpc.client as x
            # (CPython refuses to marshal ints beyond 32 bits, so none are sent here.)
            params = (2**31 - 1, -5, 'ünïcode & <tags>', '', None, True, False, 1.5, float('inf'),
                      datetime.datetime(1999, 12, 31, 23, 59, 59), x.Binary(bytes(range(256))),
                      [[], {}, [1, [2, [3]]]], {'z': 1, 'a': {'nested': [None]}})
            sys.stdout.write(x.dumps(params, methodname='changelog_since_serial', allow_none=True))
            """,
            "");

        var call = XmlRpcRequestParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(request)), 1 << 20);
        Assert.Equal("changelog_since_serial", call.MethodName);
        XmlRpcAssert.Equal(
            new object?[]
            {
                int.MaxValue, -5, "ünïcode & <tags>", "", null, true, false, 1.5, double.PositiveInfinity,
                new DateTime(1999, 12, 31, 23, 59, 59), Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
                new object?[] { Array.Empty<object?>(), new Dictionary<string, object?>(), new object?[] { 1, new object?[] { 2, new object?[] { 3 } } } },
                new Dictionary<string, object?> { ["z"] = 1, ["a"] = new Dictionary<string, object?> { ["nested"] = new object?[] { null } } },
            },
            call.Params);
    }

    [PythonFact]
    public void Our_bytes_equal_Pythons_for_a_mixed_value()
    {
        var value = new object?[]
        {
            "x", 1, null, new Dictionary<string, object?> { ["k"] = new object?[] { null, 2.25, "v" }, ["n"] = null }, true,
            new DateTime(2001, 2, 3, 4, 5, 6), new byte[] { 0, 255 }, "",
        };
        var python = Python3.Run(
            """
            import sys, datetime, xmlrpc.client as x
            value = ['x', 1, None, {'k': [None, 2.25, 'v'], 'n': None}, True,
                     datetime.datetime(2001, 2, 3, 4, 5, 6), x.Binary(bytes([0, 255])), '']
            sys.stdout.write(x.dumps((value,), methodresponse=True, allow_none=True))
            """,
            "");
        Assert.Equal(python, XmlRpcResponseWriter.Response(value));
    }

    [PythonFact]
    public void Doubles_are_written_exactly_as_Python_repr_for_many_random_values()
    {
        // Random bit patterns cover every exponent range; the special values are added by hand.
        var random = new Random(20240301);
        var values = Enumerable.Range(0, 3000)
            .Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)))
            .Concat(Enumerable.Range(0, 1000).Select(_ => Math.Round(random.NextDouble() * 1e6, random.Next(0, 8))))
            .Concat([0.0, -0.0, double.Epsilon, double.MaxValue, double.MinValue, 1e16, 1e-4, 9.999999999999999e15, 0.00009999999999999999])
            .ToList();

        var bits = string.Join("\n", values.Select(v => BitConverter.DoubleToInt64Bits(v).ToString(CultureInfo.InvariantCulture)));
        var python = Python3.Run(
            """
            import sys, struct
            for line in sys.stdin.read().split():
                print(repr(struct.unpack('<d', struct.pack('<q', int(line)))[0]))
            """,
            bits).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(values.Count, python.Length);
        for (var i = 0; i < values.Count; i++)
        {
            var ours = XmlRpcResponseWriter.Response(values[i]);
            Assert.Contains($"<double>{python[i]}</double>", ours, StringComparison.Ordinal);
        }
    }
}
