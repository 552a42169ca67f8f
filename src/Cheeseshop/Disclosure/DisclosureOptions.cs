namespace Cheeseshop.Disclosure;

/// <summary>Settings of legal requests and disclosure (configuration section "Disclosure").</summary>
public sealed class DisclosureOptions
{
    public const string Section = "Disclosure";

    /// <summary>The name packages, notices and the transparency report give this instance (Disclosure__InstanceName).</summary>
    public string InstanceName { get; set; } = "Cheeseshop";
}
