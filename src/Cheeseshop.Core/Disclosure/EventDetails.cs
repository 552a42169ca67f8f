using System.Text;
using System.Text.Json;
using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Disclosure;

/// <summary>An event's additional JSON as a package may show it.</summary>
/// <param name="Details">Only the allowlisted keys, sorted, as compact JSON.</param>
/// <param name="Actor">Who caused the event when the event says so (submitted_by, changed_by).</param>
public sealed record EventDetailsView(string? UserAgent, string? CountryCode, string Details, string? Actor);

/// <summary>
/// Minimisation of event details by allowlist: only keys known to describe what happened pass (the
/// email address that was added, the role, the project, the filename, ...). Anything else, including
/// keys added to events in the future, stays out until someone decides it belongs here.
/// </summary>
public static class EventDetails
{
    /// <summary>Keys of additional JSON that may appear in a package. Usernames of other users appear, as public pages show them.</summary>
    public static IReadOnlySet<string> AllowedKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "email", "primary", "old_primary", "new_primary", "method", "old", "new", "changed_by", "submitted_by",
        "project_name", "role_name", "target_user", "description", "user", "filename", "to_email", "subject",
        "reason", "two_factor_method", "two_factor_label", "created_by", "canonical_version", "authenticated_by",
        "publisher", "publisher_kind", "issuer", "expires",
    };

    public static EventDetailsView Read(string? additionalJson)
    {
        if (string.IsNullOrWhiteSpace(additionalJson)) return new EventDetailsView(null, null, "{}", null);
        // One pass with a reader over the UTF-8 text: the allowlisted top-level scalars are copied as they
        // are written (their JSON text, escapes included), sorted by key, into a compact object.
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(additionalJson.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(additionalJson, bytes);
            var reader = new Utf8JsonReader(bytes.AsSpan(0, length));
            string? ua = null, country = null, actor = null;
            List<(string Key, string Json)>? kept = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new EventDetailsView(null, null, "{}", null);
            Span<char> name = stackalloc char[128];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Keys are matched without a string each: the allowlisted ones by their own instances.
                var key = KeyOf(ref reader, name);
                if (!reader.Read()) break;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                var isString = reader.TokenType == JsonTokenType.String;
                if (key == UserAgentKey && isString) ua = Repeated(ref reader);
                else if (key == CountryKey && isString) country = Repeated(ref reader);
                else if (key is not null && key != UserAgentKey && key != CountryKey)
                {
                    var raw = Encoding.UTF8.GetString(reader.ValueSpan);
                    (kept ??= []).Add((key, isString ? "\"" + raw + "\"" : raw));
                }
                if (isString && key is "submitted_by" or "changed_by") actor ??= reader.GetString();
            }
            if (kept is null) return new EventDetailsView(ua, country, "{}", actor);
            kept.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder("{");
            for (var i = 0; i < kept.Count; i++)
            {
                if (i > 0) text.Append(',');
                // Allowlisted keys are plain ASCII identifiers: no escaping needed.
                text.Append('"').Append(kept[i].Key).Append("\":").Append(kept[i].Json);
            }
            return new EventDetailsView(ua, country, RepeatedText(text.Append('}')), actor);
        }
        catch (JsonException)
        {
            // A malformed row discloses nothing rather than failing the whole package.
            return new EventDetailsView(null, null, "{}", null);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private const string UserAgentKey = "user_agent";
    private const string CountryKey = "country_code";

    /// <summary>The allowlisted keys and the two client keys, looked up by their characters.</summary>
    private static readonly HashSet<string> KnownKeys = new(AllowedKeys.Append(UserAgentKey).Append(CountryKey), StringComparer.Ordinal);
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> KnownKeysBySpan = KnownKeys.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The known key the reader is on (the set's own instance), or null for any other key.</summary>
    private static string? KeyOf(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        if (reader.HasValueSequence || reader.ValueSpan.Length > buffer.Length) return null; // longer than any known key, even written all in \u escapes
        var length = reader.CopyString(buffer);
        return KnownKeysBySpan.TryGetValue(buffer[..length], out var key) ? key : null;
    }

    /// <summary>
    /// Strings that repeat from event to event (user agents, countries, details texts) are given out as one
    /// instance each instead of a new string per row. Per thread (a read never awaits), bounded, cleared when full.
    /// </summary>
    [ThreadStatic] private static Dictionary<string, string>? _repeated;

    private static Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> RepeatedLookup() =>
        (_repeated ??= new Dictionary<string, string>(StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>();

    private static string Repeated(ReadOnlySpan<char> chars)
    {
        if (chars.Length > 512) return chars.ToString();
        var lookup = RepeatedLookup();
        if (lookup.TryGetValue(chars, out var known)) return known;
        if (lookup.Dictionary.Count >= 4096) lookup.Dictionary.Clear();
        var text = chars.ToString();
        lookup.Dictionary[text] = text;
        return text;
    }

    private static string Repeated(ref Utf8JsonReader reader)
    {
        var max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (max > 512) return reader.GetString()!;
        Span<char> chars = stackalloc char[512];
        return Repeated(chars[..reader.CopyString(chars)]);
    }

    private static string RepeatedText(StringBuilder text)
    {
        if (text.Length > 512) return text.ToString();
        Span<char> chars = stackalloc char[text.Length];
        text.CopyTo(0, chars, text.Length);
        return Repeated(chars);
    }

    /// <summary>
    /// The string value of a top-level key of a JSON object (the last one, if the key repeats), or null when it is
    /// absent, not a string, or the text is not an object: what <c>JsonDocument</c>'s <c>TryGetProperty</c> and
    /// <c>GetString</c> give, read with one forward reader and no document.
    /// </summary>
    public static string? StringField(string json, string key)
    {
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(0, Encoding.UTF8.GetBytes(json, bytes)));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? found = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(key);
                if (!reader.Read()) break;
                if (match) found = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
            return found;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Account events that someone else may have caused without the event saying who: an email sent to
    /// the account (an Owner's invitation sends one) and a password-reset request (anyone can ask for one).
    /// Their recorded client is shown only when the same address is also in the subject's own events.
    /// </summary>
    public static IReadOnlySet<string> IndirectTags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Audit.EventTags.Account.EmailSent, Audit.EventTags.Account.PasswordResetRequested,
    };

    /// <summary>
    /// True when the event names someone other than the subject as its cause: the recorded client (IP
    /// address, user agent, country) is then that person's, and is withheld. An event on the subject's
    /// own account normally has no actor, or the subject as actor.
    /// </summary>
    public static bool CausedByAnother(EventDetailsView view, IEnumerable<string> subjectNames) =>
        view.Actor is { } actor && !subjectNames.Any(n => string.Equals(n, actor, StringComparison.OrdinalIgnoreCase));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string?, string?, string?)> ParsedAgents = new(StringComparer.Ordinal);

    /// <summary>The user agent as the download statistics parse it: installer or browser, version, operating system.
    /// A subject's events repeat a handful of agents, so results are remembered (up to 10,000 agents).</summary>
    public static (string? Name, string? Version, string? System) ParseUserAgent(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return (null, null, null);
        if (ParsedAgents.TryGetValue(userAgent, out var known)) return known;
        var details = UserAgentParser.Parse(userAgent).Details;
        var parsed = details is null ? (null, null, null) : (details.Installer?.Name, details.Installer?.Version, details.System?.Name ?? details.Distro?.Name);
        if (ParsedAgents.Count >= 10_000) ParsedAgents.Clear();
        ParsedAgents[userAgent] = parsed;
        return parsed;
    }
}
