using System.Text.Json.Nodes;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>
/// Events keep who did what in their `additional` JSON (submitted_by, target_user, created_by, user).
/// When an account is deleted, the events that stay (other people's, and the projects') must stop
/// naming it: each such value becomes "deleted-user", exactly as the journal is reattributed.
/// </summary>
public static class UsernameScrubber
{
    private static readonly string[] Keys = ["submitted_by", "target_user", "created_by", "user"];

    /// <param name="until">Only events up to this time (null: all): after it the name may be someone else's.</param>
    public static async Task ScrubAsync(CheeseshopDb db, string username, DateTime? until, CancellationToken ct)
    {
        // A substring match narrows the rows; the JSON is then checked key by key, exactly.
        var needle = "\"" + username + "\"";
        var end = until ?? DateTime.MaxValue;
        foreach (var e in await db.ProjectEvents.Where(e => e.AdditionalJson.Contains(needle) && e.Time <= end).ToListAsync(ct))
            e.AdditionalJson = Rewrite(e.AdditionalJson, username);
        foreach (var e in await db.UserEvents.Where(e => e.AdditionalJson.Contains(needle) && e.Time <= end).ToListAsync(ct))
            e.AdditionalJson = Rewrite(e.AdditionalJson, username);
        await db.SaveChangesAsync(ct);
    }

    private static string Rewrite(string json, string username)
    {
        if (JsonNode.Parse(json) is not JsonObject obj) return json;
        foreach (var key in Keys)
        {
            if (obj[key] is JsonValue v && v.TryGetValue<string>(out var s) && s == username)
                obj[key] = Usernames.Tombstone;
        }
        return obj.ToJsonString();
    }
}
