using System.Collections;
using System.Globalization;
using System.Text;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Marshals .NET values into XML-RPC <c>&lt;value&gt;</c> elements with the exact text layout of
/// CPython's <c>xmlrpc.client.Marshaller</c> (with <c>allow_none=True</c>), newlines included,
/// so our responses are byte-identical to PyPI's for the same data.
/// </summary>
internal sealed class XmlRpcValueWriter
{
    // Guards against self-referencing lists/maps, which Python rejects the same way.
    private readonly HashSet<object> _open = new(ReferenceEqualityComparer.Instance);
    private readonly StringBuilder _output;

    public XmlRpcValueWriter(StringBuilder output) => _output = output;

    public void Write(object? value)
    {
        switch (value)
        {
            case null:
                // CPython writes nil without the trailing newline every other value gets.
                _output.Append("<value><nil/></value>");
                break;
            case bool b:
                _output.Append("<value><boolean>").Append(b ? '1' : '0').Append("</boolean></value>\n");
                break;
            case int or long or short or sbyte or byte or ushort or uint or ulong or System.Numerics.BigInteger:
                WriteInteger(value);
                break;
            case double d:
                WriteDouble(d);
                break;
            case float f:
                WriteDouble(f);
                break;
            case string s:
                WriteString(s);
                break;
            case char c:
                WriteString(c.ToString());
                break;
            case DateTime dt:
                WriteDateTime(dt);
                break;
            case DateTimeOffset dto:
                // XML-RPC has no zone; send UTC so the wall-clock text is unambiguous.
                WriteDateTime(dto.UtcDateTime);
                break;
            case byte[] bytes:
                WriteBase64(bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                WriteBase64(memory.ToArray());
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteStruct(map, map);
                break;
            case IDictionary dictionary:
                WriteStruct(dictionary, StructMembers(dictionary));
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                WriteStruct(pairs, pairs);
                break;
            case IEnumerable sequence:
                WriteArray(sequence);
                break;
            default:
                throw new NotSupportedException($"cannot marshal {value.GetType()} objects as XML-RPC");
        }
    }

    private void WriteInteger(object value)
    {
        // XML-RPC's <int> is 32-bit; CPython refuses larger values rather than send <i8>.
        var big = value switch
        {
            System.Numerics.BigInteger b => b,
            ulong u => new System.Numerics.BigInteger(u),
            _ => new System.Numerics.BigInteger(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        };
        if (big > int.MaxValue || big < int.MinValue)
            throw new OverflowException("int exceeds XML-RPC limits");
        _output.Append("<value><int>")
            .Append(((int)big).ToString(CultureInfo.InvariantCulture))
            .Append("</int></value>\n");
    }

    private void WriteDouble(double value) =>
        _output.Append("<value><double>").Append(PythonFloatFormat.Repr(value)).Append("</double></value>\n");

    private void WriteString(string value)
    {
        _output.Append("<value><string>");
        XmlText.AppendEscaped(_output, value);
        _output.Append("</string></value>\n");
    }

    private void WriteDateTime(DateTime value) =>
        // Python's strftime("%Y%m%dT%H:%M:%S"): zero-padded year, no fraction, no zone.
        _output.Append("<value><dateTime.iso8601>")
            .Append(value.ToString("yyyyMMdd'T'HH':'mm':'ss", CultureInfo.InvariantCulture))
            .Append("</dateTime.iso8601></value>\n");

    private void WriteBase64(byte[] bytes)
    {
        // base64.encodebytes layout: 76-character lines, each ending in a newline; nothing for b"".
        _output.Append("<value><base64>\n");
        var encoded = Convert.ToBase64String(bytes);
        for (var i = 0; i < encoded.Length; i += 76)
            _output.Append(encoded, i, Math.Min(76, encoded.Length - i)).Append('\n');
        _output.Append("</base64></value>\n");
    }

    private void WriteArray(IEnumerable sequence)
    {
        Enter(sequence);
        _output.Append("<value><array><data>\n");
        foreach (var item in sequence) Write(item);
        _output.Append("</data></array></value>\n");
        _open.Remove(sequence);
    }

    private void WriteStruct(object identity, IEnumerable<KeyValuePair<string, object?>> members)
    {
        Enter(identity);
        _output.Append("<value><struct>\n");
        foreach (var (name, member) in members)
        {
            _output.Append("<member>\n<name>");
            XmlText.AppendEscaped(_output, name);
            _output.Append("</name>\n");
            Write(member);
            _output.Append("</member>\n");
        }
        _output.Append("</struct></value>\n");
        _open.Remove(identity);
    }

    private static IEnumerable<KeyValuePair<string, object?>> StructMembers(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string name)
                throw new NotSupportedException("XML-RPC struct keys must be strings");
            yield return new(name, entry.Value);
        }
    }

    private void Enter(object container)
    {
        if (!_open.Add(container))
            throw new NotSupportedException("cannot marshal recursive containers as XML-RPC");
    }
}
