namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// An XML-RPC fault: the <c>faultCode</c>/<c>faultString</c> pair sent back inside a
/// <c>&lt;fault&gt;</c> methodResponse. The well-known values are the ones PyPI's
/// XML-RPC stack (pyramid-rpc) sends, since clients such as bandersnatch compare them.
/// </summary>
public sealed record XmlRpcFault(int Code, string Message)
{
    /// <summary>Body could not be read as an XML-RPC call (pyramid-rpc's XmlRpcParseError).</summary>
    public static XmlRpcFault NotWellFormed { get; } = new(-32700, "parse error; not well formed");

    /// <summary>No such method, or the call named none (pyramid-rpc's XmlRpcMethodNotFound).</summary>
    public static XmlRpcFault MethodNotFound { get; } = new(-32601, "server error; requested method not found");

    /// <summary>pyramid-rpc's generic XmlRpcApplicationError, e.g. for a GET on the endpoint.</summary>
    public static XmlRpcFault ApplicationError { get; } = new(-32500, "application error");

    /// <summary>
    /// Argument validation failure. PyPI joins one "&lt;param&gt;: &lt;message&gt;" per problem
    /// with "; " after the fixed "client error; " prefix.
    /// </summary>
    public static XmlRpcFault InvalidParams(IEnumerable<string> problems) =>
        new(-32602, "client error; " + string.Join("; ", problems));

    /// <summary>
    /// An error raised by a method body (deprecations, rate limiting): PyPI sends -32500 with
    /// "&lt;ExceptionClass&gt;: &lt;message&gt;", e.g. "RuntimeError: ...".
    /// </summary>
    public static XmlRpcFault Wrapped(string exceptionClass, string message) =>
        new(-32500, exceptionClass + ": " + message);

    /// <summary>Sent when a body is over the configured limit; PyPI has no limit to copy.</summary>
    public static XmlRpcFault TooLarge(long maxBytes) =>
        new(-32700, $"parse error; request body is larger than the limit of {maxBytes} bytes");
}
