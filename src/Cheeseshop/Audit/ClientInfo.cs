using System.Net;

namespace Cheeseshop.Audit;

/// <summary>Who is on the other end of this request: the client address (after trusted proxies) and
/// the User-Agent. Scoped; empty for the CLI, whose actions record no address.</summary>
public sealed class ClientInfo
{
    public IPAddress? Address { get; set; }
    public string? UserAgent { get; set; }

    public static ClientInfo From(HttpContext ctx) => new()
    {
        Address = ctx.Connection.RemoteIpAddress,
        UserAgent = ctx.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
    };
}
