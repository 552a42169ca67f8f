namespace Cheeseshop.Core.Disclosure;

/// <summary>How a request ended, as `legal close --outcome` names it and the transparency report counts it.</summary>
public static class RequestOutcomes
{
    /// <summary>Answered in full.</summary>
    public const string Produced = "produced";
    /// <summary>Answered in part (some categories or subjects withheld or narrowed).</summary>
    public const string Partial = "partial";
    /// <summary>Answered with nothing (refused, or nothing held).</summary>
    public const string None = "none";
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [Produced, Partial, None, Withdrawn];

    public static string Parse(string? text)
    {
        var outcome = text?.Trim().ToLowerInvariant();
        if (outcome is not null && All.Contains(outcome)) return outcome;
        throw new DisclosureInputException($"--outcome '{text}' is not an outcome. Use one of: {string.Join(", ", All)}.");
    }

    /// <summary>Outcomes that say something was sent, so a recorded production must exist.</summary>
    public static bool DisclosedSomething(string outcome) => outcome is Produced or Partial;
}
