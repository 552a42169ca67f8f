using System.Text;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Writes a methodCall the way <c>xmlrpc.client.dumps(params, methodname=..., allow_none=True)</c>
/// does; for clients and tests talking to our own endpoint.
/// </summary>
public static class XmlRpcRequestWriter
{
    public static string Call(string methodName, params IReadOnlyList<object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(methodName);
        var output = new StringBuilder(256);
        output.Append(XmlRpcResponseWriter.XmlDeclaration).Append("<methodCall>\n<methodName>");
        // Python inserts the name unescaped; escaping keeps odd names well-formed and changes
        // nothing for real method names.
        XmlText.AppendEscaped(output, methodName);
        output.Append("</methodName>\n<params>\n");
        var values = new XmlRpcValueWriter(output);
        foreach (var parameter in parameters)
        {
            output.Append("<param>\n");
            values.Write(parameter);
            output.Append("</param>\n");
        }
        output.Append("</params>\n</methodCall>\n");
        return output.ToString();
    }
}
