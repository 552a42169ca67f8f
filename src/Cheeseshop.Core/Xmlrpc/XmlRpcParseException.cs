namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// A request body that cannot be turned into an <see cref="XmlRpcCall"/>. <see cref="Fault"/>
/// is what to send back; <see cref="Exception.Message"/> holds the detail for logs (never sent,
/// because PyPI answers every parse failure with the same fixed string).
/// </summary>
public sealed class XmlRpcParseException : Exception
{
    public XmlRpcParseException(XmlRpcParseError error, XmlRpcFault fault, string detail, Exception? inner = null)
        : base(detail, inner)
    {
        Error = error;
        Fault = fault;
    }

    public XmlRpcParseError Error { get; }

    public XmlRpcFault Fault { get; }
}
