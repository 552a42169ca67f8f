namespace Cheeseshop.Data.Entities;

/// <summary>A name no upload may create a project under (warehouse's prohibited_project_names). Only new
/// names are checked: a prohibition is refused for a name a project holds.</summary>
public sealed class ProhibitedProjectName
{
    /// <summary>PEP 503 normalized, so every spelling of the name is caught.</summary>
    public required string Name { get; set; }
    public required string Reason { get; set; }
    /// <summary>Who prohibited it: an admin's username, or "cli:OS_USER".</summary>
    public required string ProhibitedBy { get; set; }
    public DateTime Created { get; set; }
}
