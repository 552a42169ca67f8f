using Cheeseshop.Configuration;
using Cheeseshop.Core.Xmlrpc;
using Cheeseshop.JsonApi;

namespace Cheeseshop.Xmlrpc;

/// <summary>POST /pypi, /pypi/ and /RPC2: XML-RPC. Every failure is a fault with HTTP 200, never a 500.</summary>
public static class XmlRpcEndpoint
{
    /// <summary>No method takes more than a list of classifiers; a megabyte is generous.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static void MapXmlRpc(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/pypi", "/RPC2" })
        {
            app.MapPost(path, HandleAsync).RequireRateLimiting(RateLimits.RateLimitRegistration.XmlRpc);
            app.MapGet(path, (HttpContext ctx) => WriteAsync(ctx, XmlRpcResponseWriter.FaultUtf8(XmlRpcFault.ApplicationError)));
        }
    }

    private static async Task HandleAsync(HttpContext ctx, XmlRpcMethods methods, CheeseshopOptions options, ILogger<XmlRpcMethods> log)
    {
        byte[] body;
        try
        {
            var call = await XmlRpcRequestParser.ParseAsync(ctx.Request.Body, MaxBodyBytes, ctx.RequestAborted);
            var result = await methods.CallAsync(call, JsonApiEndpoints.Origin(ctx, options), ctx.RequestAborted);
            body = result is XmlRpcFault fault ? XmlRpcResponseWriter.FaultUtf8(fault) : XmlRpcResponseWriter.ResponseUtf8(result);
        }
        catch (XmlRpcParseException e)
        {
            body = XmlRpcResponseWriter.FaultUtf8(e.Fault);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "XML-RPC call failed");
            body = XmlRpcResponseWriter.FaultUtf8(XmlRpcFault.ApplicationError);
        }
        await WriteAsync(ctx, body);
    }

    private static Task WriteAsync(HttpContext ctx, byte[] body)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/xml; charset=utf-8";
        ctx.Response.ContentLength = body.Length;
        return ctx.Response.Body.WriteAsync(body).AsTask();
    }
}
