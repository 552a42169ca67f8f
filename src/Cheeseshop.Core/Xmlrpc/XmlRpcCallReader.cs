using System.Collections.ObjectModel;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Xml;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Recursive-descent reader for one methodCall over an already-hardened <see cref="XmlReader"/>.
/// Every Read* method starts on its element's start tag and returns positioned just after the
/// element's end, so callers never need to know whether a tag was written empty (<c>&lt;x/&gt;</c>).
/// Element names are compared by local name: CPython drops namespace prefixes too (Apache's
/// clients send <c>ex:nil</c>, <c>ex:i8</c>).
/// </summary>
internal sealed class XmlRpcCallReader(XmlReader reader)
{
    // Python caps int() parsing at 4300 digits by default; a longer number is an attack, not data.
    private const int MaxIntegerDigits = 4300;

    private static readonly string[] DateTimeFormats =
    [
        "yyyyMMdd'T'HH':'mm':'ss", // what xmlrpc.client and the spec's example send
        "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        "yyyyMMdd'T'HHmmss",
    ];

    public XmlRpcCall ReadCall()
    {
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "methodCall")
            throw Invalid("the document element must be <methodCall>");

        string? methodName = null;
        IReadOnlyList<object?>? parameters = null;
        if (reader.IsEmptyElement)
        {
            reader.Read();
        }
        else
        {
            reader.Read();
            while (NextChild())
            {
                switch (reader.LocalName)
                {
                    case "methodName" when methodName is null:
                        methodName = ReadText();
                        break;
                    case "params" when parameters is null:
                        parameters = ReadParams();
                        break;
                    default:
                        throw Invalid($"unexpected <{reader.Name}> in <methodCall>");
                }
            }
            reader.Read();
        }

        // Drain the rest so trailing garbage after the root is caught as malformed XML.
        while (reader.Read()) { }

        if (methodName is null)
        {
            // PyPI (pyramid-rpc) answers a call without a method name as an unknown method.
            throw new XmlRpcParseException(
                XmlRpcParseError.MissingMethodName, XmlRpcFault.MethodNotFound, "<methodCall> has no <methodName>");
        }

        // <params> may be left out entirely when there are none (CPython accepts that too).
        return new XmlRpcCall(methodName, parameters ?? []);
    }

    private IReadOnlyList<object?> ReadParams()
    {
        var values = new List<object?>();
        if (ReadEmpty()) return values.AsReadOnly();

        while (NextChild())
        {
            if (reader.LocalName != "param") throw Invalid($"unexpected <{reader.Name}> in <params>");
            values.Add(ReadSingleValueIn("param", depth: 0));
        }
        reader.Read();
        return values.AsReadOnly();
    }

    /// <summary>Reads an element (param, data's items) that must hold exactly one &lt;value&gt;.</summary>
    private object? ReadSingleValueIn(string element, int depth)
    {
        if (reader.IsEmptyElement || !ReadStart() || reader.LocalName != "value")
            throw Invalid($"<{element}> must contain one <value>");
        var value = ReadValue(depth);
        if (NextChild()) throw Invalid($"<{element}> must contain one <value>");
        reader.Read();
        return value;
    }

    private object? ReadValue(int depth)
    {
        if (ReadEmpty()) return string.Empty;

        // A <value> with only text is a string (the spec's default type); otherwise it holds
        // one typed element, optionally surrounded by layout whitespace.
        var text = new StringBuilder();
        while (true)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    reader.Read();
                    continue;
                case XmlNodeType.EndElement:
                    reader.Read();
                    return text.ToString();
                case XmlNodeType.Element:
                    if (!IsXmlWhitespace(text)) throw Invalid("<value> mixes text with a typed element");
                    var value = ReadTyped(depth);
                    if (NextChild()) throw Invalid("<value> must contain one typed element");
                    reader.Read();
                    return value;
                case XmlNodeType.None:
                    throw Invalid("unexpected end of document");
                default:
                    reader.Read();
                    continue;
            }
        }
    }

    private object? ReadTyped(int depth)
    {
        var type = reader.LocalName;
        switch (type)
        {
            case "string":
                return ReadText();
            case "int" or "i4" or "i8" or "i1" or "i2" or "biginteger":
                return ParseInteger(ReadText());
            case "boolean":
                return ReadText().Trim(XmlWhitespace) switch
                {
                    "1" => true,
                    "0" => false,
                    _ => throw Invalid("bad boolean value"),
                };
            case "double" or "float":
                return ParseDouble(ReadText());
            case "bigdecimal":
                return decimal.TryParse(ReadText().Trim(XmlWhitespace), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : throw Invalid("bad bigdecimal value");
            case "dateTime.iso8601":
                return DateTime.TryParseExact(ReadText().Trim(XmlWhitespace), DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)
                    ? dt
                    : throw Invalid("bad dateTime.iso8601 value");
            case "base64":
                try
                {
                    return Convert.FromBase64String(ReadText());
                }
                catch (FormatException)
                {
                    throw Invalid("bad base64 value");
                }
            case "nil":
                if (!IsXmlWhitespace(ReadText())) throw Invalid("<nil/> must be empty");
                return null;
            case "array":
                return ReadArray(Deeper(depth));
            case "struct":
                return ReadStruct(Deeper(depth));
            default:
                throw Invalid($"unknown value type <{reader.Name}>");
        }
    }

    private IReadOnlyList<object?> ReadArray(int depth)
    {
        var items = new List<object?>();
        // The spec requires <data>; an empty <array/> is still read as [] (CPython does).
        if (ReadEmpty()) return items.AsReadOnly();
        if (!NextChild() || reader.LocalName != "data") throw Invalid("<array> must contain <data>");

        if (!ReadEmpty())
        {
            while (NextChild())
            {
                if (reader.LocalName != "value") throw Invalid($"unexpected <{reader.Name}> in <data>");
                items.Add(ReadValue(depth));
            }
            reader.Read();
        }

        if (NextChild()) throw Invalid("<array> must contain only <data>");
        reader.Read();
        return items.AsReadOnly();
    }

    private IReadOnlyDictionary<string, object?> ReadStruct(int depth)
    {
        var members = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        if (!ReadEmpty())
        {
            while (NextChild())
            {
                if (reader.LocalName != "member") throw Invalid($"unexpected <{reader.Name}> in <struct>");
                var (name, value) = ReadMember(depth);
                members[name] = value;
            }
            reader.Read();
        }
        return new ReadOnlyDictionary<string, object?>(members);
    }

    private (string Name, object? Value) ReadMember(int depth)
    {
        if (reader.IsEmptyElement) throw Invalid("<member> must contain <name> and <value>");
        reader.Read();

        string? name = null;
        object? value = null;
        var hasValue = false;
        while (NextChild())
        {
            switch (reader.LocalName)
            {
                case "name" when name is null:
                    name = ReadText();
                    break;
                case "value" when !hasValue:
                    value = ReadValue(depth);
                    hasValue = true;
                    break;
                default:
                    throw Invalid($"unexpected <{reader.Name}> in <member>");
            }
        }
        reader.Read();

        if (name is null || !hasValue) throw Invalid("<member> must contain <name> and <value>");
        return (name, value);
    }

    /// <summary>Text content of an element that may hold no child elements.</summary>
    private string ReadText()
    {
        var element = reader.Name;
        if (ReadEmpty()) return string.Empty;

        var text = new StringBuilder();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element:
                    throw Invalid($"<{element}> may not contain elements");
                case XmlNodeType.None:
                    // XmlReader reports a truncated document itself; never loop on it regardless.
                    throw Invalid("unexpected end of document");
            }
            reader.Read();
        }
        reader.Read();
        return text.ToString();
    }

    /// <summary>
    /// Moves to the next child element of the current element (true), or to its end tag (false).
    /// Layout whitespace between elements is skipped; stray text is an error.
    /// </summary>
    private bool NextChild()
    {
        while (true)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    return false;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    if (!IsXmlWhitespace(reader.Value)) throw Invalid("unexpected text");
                    break;
                case XmlNodeType.None:
                    throw Invalid("unexpected end of document");
            }
            reader.Read();
        }
    }

    /// <summary>For an empty element (<c>&lt;x/&gt;</c>) steps past it and returns true; otherwise steps inside.</summary>
    private bool ReadEmpty()
    {
        var empty = reader.IsEmptyElement;
        reader.Read();
        return empty;
    }

    /// <summary>Steps inside the current (non-empty) element and onto its first child element, if any.</summary>
    private bool ReadStart()
    {
        reader.Read();
        return NextChild();
    }

    private int Deeper(int depth)
    {
        if (depth >= XmlRpcRequestParser.MaxDepth)
        {
            throw new XmlRpcParseException(
                XmlRpcParseError.TooDeep, XmlRpcFault.NotWellFormed,
                $"values nested deeper than {XmlRpcRequestParser.MaxDepth} levels{Position()}");
        }
        return depth + 1;
    }

    private object ParseInteger(string text)
    {
        var span = text.AsSpan().Trim(XmlWhitespace);
        var digits = span.Length > 0 && (span[0] == '+' || span[0] == '-') ? span[1..] : span;
        if (digits.IsEmpty || digits.Length > MaxIntegerDigits || !IsAsciiDigits(digits))
            throw Invalid("bad integer value");

        if (int.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return i;
        if (long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        return BigInteger.Parse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    private double ParseDouble(string text)
    {
        // Python's float() spellings for the special values, which xmlrpc.client writes as repr().
        var trimmed = text.Trim(XmlWhitespace);
        var negative = trimmed.StartsWith('-');
        var unsigned = trimmed.Length > 0 && trimmed[0] is ('+' or '-') ? trimmed[1..] : trimmed;
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
            return double.NaN;

        foreach (var c in trimmed)
            if (!char.IsAsciiDigit(c) && c is not ('.' or 'e' or 'E' or '+' or '-'))
                throw Invalid("bad double value");
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw Invalid("bad double value");
    }

    private static readonly char[] XmlWhitespace = [' ', '\t', '\r', '\n'];

    private static bool IsXmlWhitespace(ReadOnlySpan<char> text) => text.Trim(XmlWhitespace).IsEmpty;

    private static bool IsXmlWhitespace(StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
            if (!IsXmlWhitespace(chunk.Span)) return false;
        return true;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private string Position() =>
        reader is IXmlLineInfo { LineNumber: > 0 } info ? $" (line {info.LineNumber}, column {info.LinePosition})" : "";

    private XmlRpcParseException Invalid(string detail) =>
        new(XmlRpcParseError.InvalidStructure, XmlRpcFault.NotWellFormed, detail + Position());
}
