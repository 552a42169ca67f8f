namespace Cheeseshop.Core.Downloads;

/// <summary>The one category a request asked for, or all of them.</summary>
public sealed class StatsFilter
{
    private readonly string? _category;

    private StatsFilter(string? category) => _category = category;

    public static StatsFilter All { get; } = new(null);

    /// <summary>Matches case-insensitively: pypistats title-cases the argument ("linux" finds "Linux").</summary>
    public static StatsFilter Only(string category) => new(category);

    public bool IsAll => _category is null;

    public bool Accepts(string category) => _category is null || string.Equals(_category, category, StringComparison.OrdinalIgnoreCase);
}
