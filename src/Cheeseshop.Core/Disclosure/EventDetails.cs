using System.Text;
using System.Text.Encodings.Web;
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
    };

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static EventDetailsView Read(string? additionalJson)
    {
        string? ua = null, country = null, actor = null;
        var kept = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(additionalJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(additionalJson);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        if (p.Name == "user_agent" && p.Value.ValueKind == JsonValueKind.String) ua = p.Value.GetString();
                        else if (p.Name == "country_code" && p.Value.ValueKind == JsonValueKind.String) country = p.Value.GetString();
                        else if (AllowedKeys.Contains(p.Name) && p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                            kept[p.Name] = p.Value.Clone();
                        if (p.Name is "submitted_by" or "changed_by" && p.Value.ValueKind == JsonValueKind.String) actor ??= p.Value.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // A malformed row discloses nothing rather than failing the whole package.
            }
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartObject();
            foreach (var (key, value) in kept)
            {
                w.WritePropertyName(key);
                value.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return new EventDetailsView(ua, country, Encoding.UTF8.GetString(buffer.ToArray()), actor);
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

    /// <summary>The user agent as the download statistics parse it: installer or browser, version, operating system.</summary>
    public static (string? Name, string? Version, string? System) ParseUserAgent(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return (null, null, null);
        var details = UserAgentParser.Parse(userAgent).Details;
        if (details is null) return (null, null, null);
        return (details.Installer?.Name, details.Installer?.Version, details.System?.Name ?? details.Distro?.Name);
    }
}
