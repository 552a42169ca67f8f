using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Disclosure;

/// <summary>Settings of legal requests and disclosure (configuration section "Disclosure").</summary>
public sealed class DisclosureOptions : IValidatableObject
{
    public const string Section = "Disclosure";

    /// <summary>The name packages, notices and the transparency report give this instance (Disclosure__InstanceName).</summary>
    public string InstanceName { get; set; } = "Cheeseshop";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The name is printed in packages and notices: one line a person reads.
        if (string.IsNullOrWhiteSpace(InstanceName) || InstanceName.Any(char.IsControl) || InstanceName.Length > 100)
            yield return new ValidationResult("Disclosure:InstanceName must be 1 to 100 characters without control characters.", [nameof(InstanceName)]);
    }
}
