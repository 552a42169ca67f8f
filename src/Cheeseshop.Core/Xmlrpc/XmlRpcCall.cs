namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// A parsed <c>methodCall</c>. Parameter values use the plain .NET model described on
/// <see cref="XmlRpcRequestParser"/>.
/// </summary>
public sealed record XmlRpcCall(string MethodName, IReadOnlyList<object?> Params);
