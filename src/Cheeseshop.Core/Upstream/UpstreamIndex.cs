using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Cheeseshop.Core.Upstream;

public static partial class UpstreamPageParser
{
    /// <summary>The project names an index page (the Simple API root) lists: PEP 691 JSON's
    /// <c>projects[].name</c>, or the text of each anchor of a PEP 503 HTML page. Names repeat once only.</summary>
    /// <exception cref="UpstreamPageException">The body is not an index page of the type it claims.</exception>
    public static IReadOnlyList<string> ParseIndex(string? contentType, byte[] body)
    {
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        IEnumerable<string> names = type switch
        {
            JsonType or "application/json" => IndexJson(body),
            "text/html" or "application/vnd.pypi.simple.v1+html" =>
                Anchor().Matches(System.Text.Encoding.UTF8.GetString(body)).Select(a => WebUtility.HtmlDecode(a.Groups["text"].Value).Trim()),
            _ => throw new UpstreamPageException($"the index answered with '{(type.Length == 0 ? "no content type" : type)}', not a Simple API index"),
        };
        return names.Where(n => n.Length > 0 && Packaging.ProjectName.IsValid(n)).Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> IndexJson(byte[] body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new UpstreamPageException("the index's JSON page is not valid JSON: " + e.Message); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("projects", out var projects) ||
                projects.ValueKind != JsonValueKind.Array)
                throw new UpstreamPageException("the index's JSON page has no 'projects' list");
            return projects.EnumerateArray()
                .Select(p => p.ValueKind == JsonValueKind.Object ? Text(p, "name") : null).OfType<string>().ToList();
        }
    }
}

/// <summary>What a JSON API (<c>/pypi/NAME/json</c>, as PyPI, devpi and Cheeseshop serve it) says of one
/// file that a Simple API page in HTML cannot: when it was uploaded, and why it was yanked.</summary>
public sealed record JsonApiFile(DateTime? UploadTime, bool Yanked, string? YankedReason);

public static class JsonApiFiles
{
    /// <summary>Each file of the project's <c>releases</c> (and <c>urls</c>) by filename; an answer that is
    /// not such a document gives none, since these facts only add to what the Simple page said.</summary>
    public static IReadOnlyDictionary<string, JsonApiFile> Parse(byte[] body)
    {
        var files = new Dictionary<string, JsonApiFile>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return files;
            var lists = new List<JsonElement>();
            if (root.TryGetProperty("releases", out var releases) && releases.ValueKind == JsonValueKind.Object)
                lists.AddRange(releases.EnumerateObject().Select(r => r.Value));
            if (root.TryGetProperty("urls", out var urls)) lists.Add(urls);
            foreach (var f in lists.Where(l => l.ValueKind == JsonValueKind.Array).SelectMany(l => l.EnumerateArray()))
            {
                if (f.ValueKind != JsonValueKind.Object || UpstreamPageParser.Text(f, "filename") is not { } name) continue;
                var yanked = f.TryGetProperty("yanked", out var y) && y.ValueKind == JsonValueKind.True;
                var uploaded = UpstreamPageParser.Text(f, "upload_time_iso_8601") ?? UpstreamPageParser.Text(f, "upload_time");
                files.TryAdd(name, new JsonApiFile(Time(uploaded), yanked,
                    yanked && UpstreamPageParser.Text(f, "yanked_reason") is { Length: > 0 } reason ? reason : null));
            }
        }
        catch (JsonException) { }
        return files;
    }

    /// <summary>An ISO 8601 time as UTC; a time without an offset (the JSON API's <c>upload_time</c>) is UTC.</summary>
    public static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime : null;
}
