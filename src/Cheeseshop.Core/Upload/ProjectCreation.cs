using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Upload;

/// <summary>Who may bring a new project name into the index (the Projects:Create setting).</summary>
public enum ProjectCreation
{
    /// <summary>Any account whose primary email address is verified: PyPI's rule.</summary>
    Verified,
    /// <summary>Only administrators: an upload creates a project only for an admin account, and the
    /// <c>projects create NAME --owner USER</c> verb creates one for someone else.</summary>
    Admins,
}

/// <summary>What decides whether an upload may create the project it names, read only when the project
/// does not exist yet.</summary>
/// <param name="Rule">The index's Projects:Create setting.</param>
/// <param name="IsAdmin">Whether the uploader is an administrator.</param>
/// <param name="EmailVerified">Whether the uploader's primary email address is verified.</param>
/// <param name="NameProhibited">Whether the name (normalized) is on the administrators' prohibited list.</param>
public sealed record CreationFacts(ProjectCreation Rule, bool IsAdmin, bool EmailVerified, bool NameProhibited);

/// <summary>The rules and messages of project creation, shared by the upload decision and the admin verbs.</summary>
public static class ProjectCreationRules
{
    /// <summary>Why an upload may not create <paramref name="name"/>, or null. Checked in warehouse's order: the
    /// uploader's verified email first, then whether new names are open to the uploader, then the name.</summary>
    public static UploadDecision? CheckNewProject(string name, string username, CreationFacts facts)
    {
        if (!facts.EmailVerified)
            return UploadDecision.Forbidden(
                $"User '{username}' does not have a verified primary email address. Verify it (or add one and make it primary) " +
                "at /manage/account before creating a new project on this index.");
        if (facts.Rule == ProjectCreation.Admins && !facts.IsAdmin)
            return UploadDecision.Forbidden(
                $"The project '{name}' does not exist, and new projects on this index are created only by its administrators. " +
                "Ask one to create it and make you its owner.");
        if (facts.NameProhibited) return UploadDecision.BadRequest(Prohibited(name));
        return null;
    }

    public static string Prohibited(string name) =>
        $"The name '{name}' isn't allowed: the administrators of this index have prohibited it. Choose another name.";

    /// <summary>Why an administrator may not create <paramref name="name"/> with the CLI, or null.</summary>
    public static string? CheckAdminCreate(string name, bool exists, bool prohibited)
    {
        if (!ProjectName.IsValid(name))
            return $"'{name}' is not a valid project name: use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit.";
        if (exists) return $"A project named '{name}' exists already.";
        if (prohibited) return $"The name '{name}' is prohibited; run 'projects allow {ProjectName.Normalize(name)}' first.";
        return null;
    }

    /// <summary>Why an administrator may not prohibit <paramref name="name"/>, or null. A name in use is refused
    /// rather than its project removed (PyPI removes it): prohibition guards names nobody holds yet.</summary>
    public static string? CheckProhibit(string name, string? existingProject, bool alreadyProhibited, string reason)
    {
        if (!ProjectName.IsValid(name))
            return $"'{name}' is not a valid project name: use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit.";
        if (string.IsNullOrWhiteSpace(reason)) return "Give a --reason: it is kept with the prohibition for the other administrators.";
        if (existingProject is not null)
            return $"The project '{existingProject}' exists: a prohibition only stops new projects, so it would not affect it " +
                   "(the project keeps its name and its owners).";
        if (alreadyProhibited) return $"'{ProjectName.Normalize(name)}' is prohibited already.";
        return null;
    }
}
