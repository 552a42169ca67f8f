using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Upstream;

/// <summary>One file an upstream index lists for a project: where it is there, its SHA-256 (what the proxy
/// verifies the bytes against), and what installers read from the page.</summary>
/// <param name="MetadataSha256">The SHA-256 of its PEP 658 metadata when the upstream offers it with a digest;
/// metadata offered without one is not passed on, because it could not be verified.</param>
public sealed record UpstreamFile(
    string Filename, Uri Url, string Sha256, string? RequiresPython, bool Yanked, string? YankedReason,
    long? Size, string? UploadTime, string? MetadataSha256);

/// <summary>An upstream project page, parsed: its files (only those with a usable name and SHA-256) and
/// the upstream's serial when it sent one.</summary>
public sealed record UpstreamPage(string Name, IReadOnlyList<UpstreamFile> Files, long Serial);

/// <summary>
/// Reads an upstream's project page in either Simple API form: PEP 691 JSON, or PEP 503 HTML with the
/// PEP 592 and 658 attributes. Relative URLs are resolved against the page's own URL. A file the proxy
/// could not verify or could not serve safely (no SHA-256, a name with a path in it) is left out.
/// </summary>
public static partial class UpstreamPageParser
{
    public const string JsonType = "application/vnd.pypi.simple.v1+json";

    /// <summary>What the proxy asks an upstream for: JSON first, HTML in either spelling otherwise.</summary>
    public const string Accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1";

    /// <exception cref="UpstreamPageException">The body is not a Simple API page of the type it claims.</exception>
    public static UpstreamPage Parse(string project, string? contentType, byte[] body, Uri pageUrl)
    {
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            JsonType or "application/json" => ParseJson(project, body, pageUrl),
            "text/html" or "application/vnd.pypi.simple.v1+html" => ParseHtml(project, System.Text.Encoding.UTF8.GetString(body), pageUrl),
            _ => throw new UpstreamPageException($"the upstream answered with '{(type.Length == 0 ? "no content type" : type)}', not a Simple API page"),
        };
    }

    public static UpstreamPage ParseJson(string project, byte[] body, Uri pageUrl)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new UpstreamPageException("the upstream's JSON page is not valid JSON: " + e.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
                throw new UpstreamPageException("the upstream's JSON page has no 'files' list");
            long serial = 0;
            if (root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object &&
                meta.TryGetProperty("_last-serial", out var s) && s.ValueKind == JsonValueKind.Number) s.TryGetInt64(out serial);
            var list = new List<UpstreamFile>();
            foreach (var f in files.EnumerateArray())
            {
                if (f.ValueKind != JsonValueKind.Object) continue;
                var sha = f.TryGetProperty("hashes", out var h) && h.ValueKind == JsonValueKind.Object ? Text(h, "sha256") : null;
                var (yanked, reason) = f.TryGetProperty("yanked", out var y)
                    ? y.ValueKind switch
                    {
                        JsonValueKind.True => (true, null),
                        JsonValueKind.String => (true, y.GetString() is { Length: > 0 } r ? r : null),
                        _ => (false, (string?)null),
                    }
                    : (false, null);
                long? size = f.TryGetProperty("size", out var z) && z.ValueKind == JsonValueKind.Number && z.TryGetInt64(out var n) && n >= 0 ? n : null;
                Add(list, Text(f, "filename"), Text(f, "url"), sha, Text(f, "requires-python"), yanked, reason, size,
                    Text(f, "upload-time"), MetadataDigest(f), pageUrl);
            }
            return new UpstreamPage(project, list, serial);
        }
    }

    public static UpstreamPage ParseHtml(string project, string html, Uri pageUrl)
    {
        var list = new List<UpstreamFile>();
        foreach (Match a in Anchor().Matches(html))
        {
            var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match at in Attribute().Matches(a.Groups["attrs"].Value))
            {
                var value = at.Groups["dq"].Success ? at.Groups["dq"].Value : at.Groups["sq"].Success ? at.Groups["sq"].Value : at.Groups["bare"].Value;
                attributes.TryAdd(at.Groups["name"].Value, WebUtility.HtmlDecode(value));
            }
            if (!attributes.TryGetValue("href", out var href)) continue;
            var hash = href.IndexOf('#');
            string? sha = null;
            if (hash >= 0)
            {
                var fragment = href[(hash + 1)..];
                if (fragment.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) sha = fragment[7..];
                href = href[..hash];
            }
            var metadata = attributes.TryGetValue("data-core-metadata", out var cm) ? cm
                : attributes.TryGetValue("data-dist-info-metadata", out var dm) ? dm : null;
            var metadataSha = metadata is not null && metadata.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? metadata[7..] : null;
            var yanked = attributes.TryGetValue("data-yanked", out var why);
            Add(list, WebUtility.HtmlDecode(a.Groups["text"].Value).Trim(), href, sha,
                attributes.GetValueOrDefault("data-requires-python"), yanked, yanked && why!.Length > 0 ? why : null, null, null, metadataSha, pageUrl);
        }
        return new UpstreamPage(project, list, 0);
    }

    private static void Add(List<UpstreamFile> list, string? filename, string? url, string? sha256, string? requiresPython,
        bool yanked, string? reason, long? size, string? uploadTime, string? metadataSha256, Uri pageUrl)
    {
        if (filename is null || !IsSafeFilename(filename) || url is null || !IsSha256(sha256)) return;
        if (!Uri.TryCreate(pageUrl, url, out var absolute) || absolute.Scheme is not ("http" or "https")) return;
        if (list.Any(f => f.Filename == filename)) return;
        list.Add(new UpstreamFile(filename, absolute, sha256!.ToLowerInvariant(), string.IsNullOrWhiteSpace(requiresPython) ? null : requiresPython,
            yanked, reason, size, uploadTime, IsSha256(metadataSha256) ? metadataSha256!.ToLowerInvariant() : null));
    }

    /// <summary>A name the proxy can serve under its own URL and store under: no path, no control
    /// characters, no leading dot, and within the length of a stored filename.</summary>
    public static bool IsSafeFilename(string name) =>
        name.Length is > 0 and <= DistributionFilename.MaxFilenameBytes && name[0] != '.' &&
        !name.Any(c => c is '/' or '\\' || char.IsControl(c)) && System.Text.Encoding.UTF8.GetByteCount(name) <= DistributionFilename.MaxFilenameBytes;

    public static bool IsSha256(string? s) => s is { Length: 64 } && s.All(Uri.IsHexDigit);

    /// <summary>A string property, or null when it is missing or not a string.</summary>
    internal static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? MetadataDigest(JsonElement f)
    {
        foreach (var key in new[] { "core-metadata", "data-dist-info-metadata", "dist-info-metadata" })
        {
            if (f.TryGetProperty(key, out var m) && m.ValueKind == JsonValueKind.Object) return Text(m, "sha256");
        }
        return null;
    }

    [GeneratedRegex("<a\\s(?<attrs>[^>]*)>(?<text>[^<]*)</a\\s*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Anchor();

    [GeneratedRegex("(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*=\\s*(?:\"(?<dq>[^\"]*)\"|'(?<sq>[^']*)'|(?<bare>[^\\s\"'>]+))", RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Attribute();
}

/// <summary>An upstream answer that is not a usable Simple API page.</summary>
public sealed class UpstreamPageException(string message) : Exception(message);
