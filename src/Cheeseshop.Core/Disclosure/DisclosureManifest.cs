using System.Text.Json;
using Cheeseshop.Core.Json;

namespace Cheeseshop.Core.Disclosure;

/// <summary>The request as a package states it. <paramref name="ScopeEnd"/> is exclusive.</summary>
public sealed record ManifestRequest(
    long Id, string Kind, string Authority, string Reference, DateTime Received, DateTime Due,
    DateTime? ScopeStart, DateTime? ScopeEnd, IReadOnlyList<string> Categories);

/// <summary>One category for one subject: whether it was asked for, whether anything is held, what the
/// statement says, and the files (none when not requested).</summary>
public sealed record ManifestCategory(DisclosureCategory Category, bool Requested, bool Held, string Statement, IReadOnlyList<PackageFile> Files);

public sealed record ManifestSubject(string Username, Guid? UserId, string Folder, IReadOnlyList<ManifestCategory> Categories);

/// <summary>
/// manifest.json: what the package is, for whom, and a SHA-256 and row count for every file in it.
/// Written with a fixed property order and fixed formatting, so it is byte-identical for the same data.
/// </summary>
public sealed record DisclosureManifest(
    ManifestRequest Request, DateTime ProducedAt, string InstanceName, string InstanceUrl,
    IReadOnlyList<ManifestSubject> Subjects, PackageFile? Report)
{
    public const int SchemaVersion = 1;

    public static IReadOnlyList<string> FormatNotes { get; } =
    [
        "Times are UTC, written YYYY-MM-DDTHH:MM:SS.ffffffZ.",
        "The scope is from 'from' (inclusive) to 'to' (exclusive); null means unbounded. Only records inside it are included; an account's current details (username, addresses, status) are always included.",
        "Each table is given twice with the same rows: NAME.csv (UTF-8 with a byte-order mark, RFC 4180) and NAME.json.",
        "In CSV files only, a text value starting with = + - @ or a tab is prefixed with an apostrophe so that spreadsheets do not run it as a formula; the JSON files hold every value exactly.",
        "No package ever contains password hashes, two-factor secrets, recovery codes, API token values or hashes, session identifiers, the IP-hashing secret, or another user's personal data (other users appear by username only).",
    ];

    public byte[] ToJson()
    {
        return JsonBytes.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schema_version", SchemaVersion);
            w.WriteStartObject("request");
            w.WriteNumber("id", Request.Id);
            w.WriteString("kind", Request.Kind);
            w.WriteString("authority", Request.Authority);
            w.WriteString("reference", Request.Reference);
            w.WriteString("received", LegalDates.Date(Request.Received));
            w.WriteString("due", LegalDates.Date(Request.Due));
            w.WriteStartObject("scope");
            WriteTime(w, "from", Request.ScopeStart);
            WriteTime(w, "to", Request.ScopeEnd);
            w.WriteEndObject();
            w.WriteStartArray("categories_requested");
            foreach (var key in Request.Categories) w.WriteStringValue(key);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString("produced_at", LegalDates.Instant(ProducedAt));
            w.WriteStartObject("instance");
            w.WriteString("name", InstanceName);
            w.WriteString("url", InstanceUrl);
            w.WriteEndObject();
            if (Report is not null)
            {
                w.WriteStartObject("report");
                w.WriteString("path", Report.Path);
                w.WriteString("sha256", Report.Sha256);
                w.WriteEndObject();
            }
            w.WriteStartArray("format_notes");
            foreach (var note in FormatNotes) w.WriteStringValue(note);
            w.WriteEndArray();
            w.WriteStartArray("subjects");
            foreach (var s in Subjects)
            {
                w.WriteStartObject();
                w.WriteString("username", s.Username);
                if (s.UserId is { } id) w.WriteString("user_id", id.ToString());
                else w.WriteNull("user_id");
                w.WriteString("folder", s.Folder);
                w.WriteStartArray("categories");
                foreach (var c in s.Categories)
                {
                    w.WriteStartObject();
                    w.WriteString("key", c.Category.Key);
                    w.WriteString("title", c.Category.Title);
                    w.WriteBoolean("requested", c.Requested);
                    w.WriteBoolean("held", c.Held);
                    w.WriteString("statement", c.Statement);
                    w.WriteStartArray("files");
                    foreach (var f in c.Files)
                    {
                        w.WriteStartObject();
                        w.WriteString("path", f.Path);
                        w.WriteString("sha256", f.Sha256);
                        w.WriteNumber("rows", f.Rows);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, indented: true, newline: true);
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTime? t)
    {
        if (t is { } v) w.WriteString(name, LegalDates.Instant(v));
        else w.WriteNull(name);
    }
}
