using System.Security.Cryptography;
using Cheeseshop.Index;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Web;

/// <summary>
/// The stylesheet, the copy-button script, the security-key script and the favicon, built into the program and served at
/// /static/{name}.{hash}.{ext}. The name changes whenever the content does, so a browser may keep a
/// file for a year without asking again, and a new build can never be served an old stylesheet.
/// The hash is taken once at start; pages link to <see cref="Url"/>.
/// </summary>
public sealed class StaticAssets
{
    public const string Prefix = "/static/";
    private static readonly StringValues LongLived = "public, max-age=31536000, immutable";

    private readonly Dictionary<string, Asset> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);

    public StaticAssets()
    {
        Add("site.css", "text/css; charset=utf-8");
        Add("copy.js", "text/javascript; charset=utf-8");
        Add("webauthn.js", "text/javascript; charset=utf-8");
        Add("favicon.svg", "image/svg+xml");
    }

    /// <summary>The URL of a built-in file by its plain name ("site.css").</summary>
    public string Url(string name) => _urls[name];

    /// <summary>The favicon's bytes, also answered at /favicon.ico, where browsers look without a link.</summary>
    public Asset Favicon => _byPath[_urls["favicon.svg"][Prefix.Length..]];

    private void Add(string name, string contentType)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("Cheeseshop.Web.Assets." + name)
            ?? throw new InvalidOperationException($"built-in asset {name} is missing from the program");
        var body = new byte[stream.Length];
        stream.ReadExactly(body);
        var hash = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8));
        var dot = name.LastIndexOf('.');
        var hashed = $"{name[..dot]}.{hash}{name[dot..]}";
        _byPath[hashed] = new Asset(body, contentType, $"\"{hash}\"");
        _urls[name] = Prefix + hashed;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(Prefix + "{file}", ["GET", "HEAD"], ctx =>
            _byPath.TryGetValue((string)ctx.Request.RouteValues["file"]!, out var asset)
                ? WriteAsync(ctx, asset)
                : Results.Text("404 Not Found", "text/plain", statusCode: 404).ExecuteAsync(ctx));
        app.MapMethods("/favicon.ico", ["GET", "HEAD"], ctx => WriteAsync(ctx, Favicon));
    }

    private static Task WriteAsync(HttpContext ctx, Asset asset)
    {
        var headers = ctx.Response.Headers;
        headers.CacheControl = LongLived;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (PageResults.Matches(ctx.Request.Headers.IfNoneMatch, asset.ETag))
        {
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        ctx.Response.ContentType = asset.ContentType;
        ctx.Response.ContentLength = asset.Body.Length;
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.Body.WriteAsync(asset.Body).AsTask();
    }

    public sealed record Asset(byte[] Body, string ContentType, string ETag);
}
