using System.Diagnostics;
using System.Xml;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Reads an XML-RPC methodCall from an untrusted request body.
/// <para>
/// Values come back as plain .NET objects: <c>string</c> (typed <c>&lt;string&gt;</c> or bare text),
/// <c>int</c> for integers that fit 32 bits (<c>long</c>, then <c>BigInteger</c>, for larger
/// <c>&lt;int&gt;</c>/<c>&lt;i8&gt;</c> values, as Python's int would hold them), <c>bool</c>,
/// <c>double</c>, <c>decimal</c> (<c>&lt;bigdecimal&gt;</c>), <c>DateTime</c> (unspecified kind),
/// <c>byte[]</c>, <c>null</c> (<c>&lt;nil/&gt;</c>), <c>IReadOnlyList&lt;object?&gt;</c> for arrays and
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> for structs (document order kept; a repeated
/// member name keeps its first position and its last value, as a Python dict does).
/// </para>
/// <para>
/// Safety: DTDs are refused outright (so no entity expansion, internal or external), nothing
/// is resolved, the body is cut off at the caller's byte limit while it streams, and values
/// may nest at most <see cref="MaxDepth"/> arrays/structs deep.
/// </para>
/// </summary>
public static class XmlRpcRequestParser
{
    /// <summary>Deepest nesting of arrays and structs accepted; no PyPI method needs more than 2.</summary>
    public const int MaxDepth = 64;

    public static XmlRpcCall Parse(Stream body, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        var limited = new LimitedReadStream(body, maxBytes);
        try
        {
            using var reader = XmlReader.Create(limited, Settings(maxBytes));
            return new XmlRpcCallReader(reader).ReadCall();
        }
        catch (Exception e) when (IsTooLarge(e))
        {
            throw TooLarge(maxBytes);
        }
        catch (XmlException e)
        {
            throw new XmlRpcParseException(XmlRpcParseError.NotWellFormed, XmlRpcFault.NotWellFormed, e.Message, e);
        }
        catch (ArgumentException e) when (ThrownInsideXmlReader(e))
        {
            // System.Xml's text reader miscounts bytes when it switches encodings after some XML
            // declarations holding undecodable bytes, and throws this where it means XmlException.
            throw new XmlRpcParseException(XmlRpcParseError.NotWellFormed, XmlRpcFault.NotWellFormed, "invalid XML declaration: " + e.Message, e);
        }
    }

    private static bool ThrownInsideXmlReader(Exception e) =>
        new StackTrace(e).GetFrames().Any(frame => frame.GetMethod()?.DeclaringType?.Namespace == typeof(XmlReader).Namespace);

    /// <summary>
    /// Buffers the body asynchronously (ASP.NET Core forbids synchronous reads of a request
    /// body), still stopping at <paramref name="maxBytes"/>, then parses it.
    /// </summary>
    public static async Task<XmlRpcCall> ParseAsync(Stream body, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        using var buffer = new MemoryStream();
        try
        {
            await new LimitedReadStream(body, maxBytes).CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (LimitedReadStream.BodyTooLargeException)
        {
            throw TooLarge(maxBytes);
        }
        buffer.Position = 0;
        return Parse(buffer, maxBytes);
    }

    private static XmlReaderSettings Settings(long maxBytes) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        // A second fence behind the byte limit (one UTF-8 byte never decodes to more than one char).
        MaxCharactersInDocument = maxBytes,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        // Whitespace must stay: it is content inside <string> and bare <value> text.
        IgnoreWhitespace = false,
        CloseInput = false,
    };

    private static bool IsTooLarge(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is LimitedReadStream.BodyTooLargeException) return true;
        return false;
    }

    private static XmlRpcParseException TooLarge(long maxBytes) =>
        new(XmlRpcParseError.TooLarge, XmlRpcFault.TooLarge(maxBytes), $"request body exceeds {maxBytes} bytes");
}
