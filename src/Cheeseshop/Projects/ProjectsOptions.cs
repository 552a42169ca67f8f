using Cheeseshop.Core.Upload;

namespace Cheeseshop.Projects;

/// <summary>Who may create projects (the Projects section of the settings).</summary>
public sealed class ProjectsOptions
{
    public const string Section = "Projects";

    /// <summary>Verified: any account with a verified primary email address (PyPI's rule). Admins: only
    /// administrators, by upload or with <c>projects create NAME --owner USER</c>.</summary>
    public ProjectCreation Create { get; set; } = ProjectCreation.Verified;
}
