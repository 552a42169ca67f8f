namespace Cheeseshop.Core.Downloads;

/// <summary>
/// pypistats.org's definition of a mirror: the installer names (as linehaul records them) whose
/// downloads fill someone else's index rather than an environment. Matched exactly, as pypistats'
/// <c>installer NOT IN (...)</c> does.
/// </summary>
public static class Mirrors
{
    public static IReadOnlyList<string> InstallerNames { get; } = ["bandersnatch", "z3c.pypimirror", "Artifactory", "devpi"];

    /// <summary>
    /// True only for a known mirror. A download with no installer at all (an unknown agent) is not a
    /// mirror: pypistats' SQL drops those rows from <c>without_mirrors</c> because NULL NOT IN (...) is
    /// NULL, which undercounts real downloads by plain HTTP clients. We count them.
    /// </summary>
    public static bool IsMirror(string? installerName) =>
        installerName is not null && InstallerNames.Contains(installerName, StringComparer.Ordinal);
}
