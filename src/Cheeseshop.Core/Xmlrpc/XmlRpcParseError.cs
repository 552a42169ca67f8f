namespace Cheeseshop.Core.Xmlrpc;

/// <summary>Why a request body was refused, so the host can choose a status or log line.</summary>
public enum XmlRpcParseError
{
    /// <summary>Not well-formed XML, or XML that uses a DTD or entities.</summary>
    NotWellFormed,

    /// <summary>Well-formed XML that is not a valid XML-RPC methodCall.</summary>
    InvalidStructure,

    /// <summary>Values nested deeper than <see cref="XmlRpcRequestParser.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The body is longer than the limit the caller gave.</summary>
    TooLarge,

    /// <summary>A methodCall without a methodName.</summary>
    MissingMethodName,
}
