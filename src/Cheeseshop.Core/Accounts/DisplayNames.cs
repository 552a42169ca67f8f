namespace Cheeseshop.Core.Accounts;

/// <summary>The free-text name shown beside a username. Optional; no history of it is kept.</summary>
public static class DisplayNames
{
    /// <summary>warehouse's limit for users.name.</summary>
    public const int MaxLength = 100;

    public static string? Problem(string? name)
    {
        if (name is null) return null;
        if (name.Length > MaxLength) return $"The name is too long: use at most {MaxLength} characters.";
        if (name.Any(char.IsControl)) return "The name cannot contain control characters.";
        return null;
    }

    public static string Clean(string? name) => (name ?? "").Trim();
}
