using Cheeseshop.Downloads;
using Cheeseshop.Index;
using Cheeseshop.Storage;
using Microsoft.Net.Http.Headers;

namespace Cheeseshop.Files;

/// <summary>
/// /packages/{b2[0:2]}/{b2[2:4]}/{b2[4:]}/{filename} and its PEP 658 ".metadata" sibling.
/// Content-addressed, so a path never changes meaning: served with Range, an ETag and a long cache life.
/// </summary>
public static class FileEndpoints
{
    public static void MapFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/packages/{a}/{b}/{rest}/{filename}", ["GET", "HEAD"], Serve);
    }

    private static async Task<IResult> Serve(HttpContext ctx, string a, string b, string rest, string filename, IFileStore store, DownloadRecorder downloads)
    {
        if (a.Length != 2 || b.Length != 2 || rest.Length != 60 || !(a + b + rest).All(Uri.IsHexDigit) ||
            filename.Contains('/') || filename.Contains('\\') || filename.StartsWith('.'))
            return PageResults.NotFoundText();
        var file = await store.OpenAsync($"{a}/{b}/{rest}/{filename}", ctx.RequestAborted);
        if (file is null) return PageResults.NotFoundText();
        ctx.Response.Headers.CacheControl = "max-age=31536000, immutable, public";
        var isMetadata = filename.EndsWith(".metadata", StringComparison.Ordinal);
        var etag = new EntityTagHeaderValue($"\"{a}{b}{rest[..12]}{(isMetadata ? "m" : "")}\"");
        var contentType = isMetadata ? "text/plain; charset=utf-8" : "application/octet-stream";
        // A local file goes by name, so the server can sendfile(2) it; anything else through its stream.
        // Both take the same Range, If-Range, conditional and HEAD handling.
        var result = file.LocalPath is { } local
            ? Results.File(local, contentType, lastModified: file.LastModified, entityTag: etag, enableRangeProcessing: true)
            : Results.File(file.OpenRead(), contentType, lastModified: file.LastModified, entityTag: etag, enableRangeProcessing: true);
        // Counted once the response is sent: GET only, 200 or a 206 from byte 0, never .metadata.
        return downloads.TrackFile(ctx, filename, result);
    }
}
