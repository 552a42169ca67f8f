namespace Cheeseshop.Core.Downloads;

/// <summary>
/// The time series the stats API offers. The first five are pypistats.org's, with its names;
/// installer, country and version are ours.
/// </summary>
public enum StatsBreakdown
{
    Overall,
    PythonMajor,
    PythonMinor,
    System,
    Installer,
    Country,
    Version,
}

public static class StatsBreakdowns
{
    /// <summary>The label written where a value is unknown, as pypistats writes it.</summary>
    public const string Null = "null";

    public const string WithMirrors = "with_mirrors";
    public const string WithoutMirrors = "without_mirrors";

    /// <summary>The systems pypistats names; any other system is "other", an unknown one "null".</summary>
    public static IReadOnlyList<string> NamedSystems { get; } = ["Windows", "Linux", "Darwin"];

    /// <summary>The path segment after /api/packages/{project}/.</summary>
    public static string PathName(this StatsBreakdown b) => b switch
    {
        StatsBreakdown.Overall => "overall",
        StatsBreakdown.PythonMajor => "python_major",
        StatsBreakdown.PythonMinor => "python_minor",
        StatsBreakdown.System => "system",
        StatsBreakdown.Installer => "installer",
        StatsBreakdown.Country => "country",
        StatsBreakdown.Version => "version",
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    /// <summary>The "type" field of a response: "overall_downloads", "python_major_downloads", ...</summary>
    public static string ResponseType(this StatsBreakdown b) => b.PathName() + "_downloads";

    /// <summary>The query parameter that picks one category (pypistats: mirrors, version, os).</summary>
    public static string FilterParameter(this StatsBreakdown b) => b switch
    {
        StatsBreakdown.Overall => "mirrors",
        StatsBreakdown.PythonMajor or StatsBreakdown.PythonMinor => "version",
        StatsBreakdown.System => "os",
        StatsBreakdown.Installer => "installer",
        StatsBreakdown.Country => "country",
        StatsBreakdown.Version => "version",
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    /// <summary>
    /// Whether mirror downloads are left out. pypistats leaves them out of everything but the overall
    /// with_mirrors series; the installer breakdown keeps them, since there they are a category.
    /// </summary>
    public static bool ExcludesMirrors(this StatsBreakdown b) => b is not (StatsBreakdown.Overall or StatsBreakdown.Installer);

    public static bool TryParsePath(string segment, out StatsBreakdown breakdown)
    {
        foreach (var b in Enum.GetValues<StatsBreakdown>())
        {
            if (b.PathName() == segment)
            {
                breakdown = b;
                return true;
            }
        }
        breakdown = default;
        return false;
    }

    /// <summary>pypistats' system category: Windows, Linux, Darwin, other, or null when unknown.</summary>
    public static string SystemCategory(string? system) =>
        system is null ? Null : NamedSystems.Contains(system, StringComparer.Ordinal) ? system : "other";
}
