using System.Text.Json;
using Cheeseshop.Core.Audit;

namespace Cheeseshop.Core.Manage;

/// <summary>Rules of an Owner's project page: the typed confirmation before a deletion, and how a project
/// event reads in the project's security history.</summary>
public static class ManageRules
{
    /// <summary>
    /// As PyPI: a deletion goes ahead only when the project's name is typed exactly as it is displayed (case
    /// included; spaces around it ignored). Returns why not, or null.
    /// </summary>
    public static string? ConfirmProjectName(string? typed, string projectName)
    {
        var confirm = (typed ?? "").Trim();
        if (confirm.Length == 0) return $"Nothing was deleted: type the project name, {projectName}, to confirm.";
        return confirm == projectName.Trim() ? null
            : $"Nothing was deleted: '{confirm}' is not the same as '{projectName}'. Type the project name exactly as shown.";
    }

    /// <summary>One line saying what an event recorded, from its tag and its details (warehouse's keys).</summary>
    public static string Describe(string tag, string additionalJson)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrEmpty(additionalJson) ? "{}" : additionalJson);
        var a = doc.RootElement;
        string S(string key) => a.ValueKind == JsonValueKind.Object && a.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var version = S("canonical_version");
        return tag switch
        {
            EventTags.Project.Created => "Project created",
            EventTags.Project.ReleaseAdded => $"Release {version} created",
            EventTags.Project.ReleaseYanked => S("yanked_reason") is { Length: > 0 } reason ? $"Release {version} yanked: {reason}" : $"Release {version} yanked",
            EventTags.Project.ReleaseUnyanked => $"Release {version} un-yanked",
            EventTags.Project.ReleaseRemoved => $"Release {version} deleted",
            EventTags.File.Added => $"File {S("filename")} uploaded to {version}" + (S("authenticated_by") is { Length: > 0 } how ? $" (with {how})" : ""),
            EventTags.File.Removed => $"File {S("filename")} deleted from {version}",
            EventTags.Project.RoleInvited => $"{S("target_user")} invited as {S("role_name")}",
            EventTags.Project.RoleAdded => $"{S("target_user")} added as {S("role_name")}",
            EventTags.Project.RoleDeclined => $"{S("target_user")} declined the invitation as {S("role_name")}",
            EventTags.Project.RoleInviteRevoked => $"Invitation of {S("target_user")} as {S("role_name")} revoked",
            EventTags.Project.RoleChanged => $"{S("target_user")} is now {S("role_name")}",
            EventTags.Project.RoleRemoved => $"{S("target_user")} removed as {S("role_name")}",
            EventTags.Project.ApiTokenAdded => "API token for this project created",
            EventTags.Project.ApiTokenRemoved => "API token for this project removed",
            _ => tag,
        };
    }
}
