using System.Text;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Writes methodResponse documents in the exact shape of
/// <c>xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True)</c>, which is PyPI's
/// renderer. Values: null, bool, integers (must fit 32 bits), double/float, string, DateTime,
/// byte[] (base64), any dictionary with string keys (struct, in enumeration order) and any
/// other sequence (array).
/// </summary>
public static class XmlRpcResponseWriter
{
    // No encoding declaration: CPython omits it for UTF-8, the default.
    internal const string XmlDeclaration = "<?xml version='1.0'?>\n";

    public static string Response(object? value)
    {
        var output = new StringBuilder(256);
        output.Append(XmlDeclaration).Append("<methodResponse>\n<params>\n<param>\n");
        new XmlRpcValueWriter(output).Write(value);
        output.Append("</param>\n</params>\n</methodResponse>\n");
        return output.ToString();
    }

    public static string Fault(XmlRpcFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var output = new StringBuilder(256);
        output.Append(XmlDeclaration).Append("<methodResponse>\n<fault>\n");
        // Python marshals a Fault as a two-member dict in this order.
        new XmlRpcValueWriter(output).Write(new KeyValuePair<string, object?>[]
        {
            new("faultCode", fault.Code),
            new("faultString", fault.Message),
        });
        output.Append("</fault>\n</methodResponse>\n");
        return output.ToString();
    }

    /// <summary>The response as UTF-8 bytes, the encoding the declaration implies.</summary>
    public static byte[] ResponseUtf8(object? value) => Encoding.UTF8.GetBytes(Response(value));

    public static byte[] FaultUtf8(XmlRpcFault fault) => Encoding.UTF8.GetBytes(Fault(fault));
}
