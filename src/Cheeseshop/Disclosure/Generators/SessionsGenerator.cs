using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>
/// 4. sessions: no session is stored, so no duration exists; what is held is a synopsis of sign-ins and
/// uploads with their addresses. An upload says how it was authenticated: an API token (by its
/// description, taken from the account:api_token:used event of the same upload) or the password.
/// </summary>
public sealed class SessionsGenerator : ICategoryGenerator
{
    public static readonly TableSpec Logins = new("sign-ins", "Sign-in attempts on the account.",
    [
        Time("time", "When"),
        Text("result", "success or failure"),
        Text("detail", "The second factor used, or why it failed"),
        .. EventColumns.Client,
    ]);

    public static readonly TableSpec Uploads = new("uploads", "Files the subject uploaded.",
    [
        Time("time", "When"),
        Text("project", "The project (empty if it was removed since)"),
        Text("version", "The release's version"),
        Text("filename", "The file"),
        Text("authenticated_by", "api-token or password"),
        Text("token_description", "The API token's description, when a token was used"),
        .. EventColumns.Client,
    ]);

    private static readonly string[] LoginTags = [EventTags.Account.LoginSuccess, EventTags.Account.LoginFailure];
    private static readonly string[] UploadTags = [EventTags.File.Added];

    public string Key => Core.Disclosure.Categories.Sessions;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var views = new Dictionary<long, IpView>();
        var logins = await tables.WriteAsync(Logins, async w =>
        {
            var row = new object?[Logins.Columns.Count];
            await foreach (var e in EventRows.UserEvents(s, LoginTags).WithCancellation(ct))
            {
                var success = e.Tag == EventTags.Account.LoginSuccess;
                row[0] = e.Time;
                row[1] = success ? "success" : "failure";
                row[2] = Field(e.Details.Details, success ? "two_factor_method" : "reason");
                EventColumns.Fill(row, 3, e, null, views);
                w.Add(row);
            }
        });
        var uploads = await tables.WriteAsync(Uploads, async w =>
        {
            await foreach (var page in EventRows.ProjectEventPagesAsync(s, UploadTags, ct))
            {
                var tokens = await TokenDescriptionsAsync(s, page[0].Time, page[^1].Time, ct);
                foreach (var e in page)
                {
                    var filename = Field(e.Details.Details, "filename");
                    var how = Field(e.Details.Details, "authenticated_by");
                    var token = how == "api-token" && filename is not null ? tokens.GetValueOrDefault(filename) : null;
                    var row = new object?[Uploads.Columns.Count];
                    (row[0], row[1], row[2], row[3], row[4], row[5]) = (e.Time, e.Project, Field(e.Details.Details, "canonical_version"), filename, how, token);
                    EventColumns.Fill(row, 6, e, null, views);
                    w.Add(row);
                }
            }
        });
        return new CategoryOutcome(logins.Rows + uploads.Rows > 0, CategoryStatements.Sessions(logins.Rows, uploads.Rows));
    }

    /// <summary>Filename → token description for the uploads of one page (their token events fall in the same time span).</summary>
    private static async Task<Dictionary<string, string>> TokenDescriptionsAsync(SubjectScope s, DateTime first, DateTime last, CancellationToken ct)
    {
        var from = first.AddMinutes(-1);
        var to = last.AddMinutes(1);
        var rows = await s.Db.UserEvents.AsNoTracking()
            .Where(e => e.UserId == s.Id && e.Tag == EventTags.Account.ApiTokenUsed && e.Time >= from && e.Time <= to)
            .OrderBy(e => e.Id).Select(e => e.AdditionalJson).ToListAsync(ct);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var json in rows)
        {
            var details = EventDetails.Read(json).Details;
            if (Field(details, "filename") is { } f && Field(details, "description") is { } d) map[f] = d;
        }
        return map;
    }

    private static string? Field(string json, string key) => EventDetails.StringField(json, key);
}
