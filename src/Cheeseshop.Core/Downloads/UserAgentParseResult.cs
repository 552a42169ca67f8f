namespace Cheeseshop.Core.Downloads;

/// <summary>
/// Outcome of reading a download's User-Agent, with linehaul's three cases:
/// a recognised installer (<see cref="Details"/> set), an unknown agent (the download is
/// still counted, without details), or an agent on the ignore list of bots and crawlers
/// (<see cref="Ignored"/>: record nothing at all).
/// </summary>
public sealed record UserAgentParseResult
{
    private UserAgentParseResult(bool ignored, InstallerDetails? details)
    {
        Ignored = ignored;
        Details = details;
    }

    public bool Ignored { get; }

    public InstallerDetails? Details { get; }

    public static UserAgentParseResult Ignore { get; } = new(true, null);

    public static UserAgentParseResult Unknown { get; } = new(false, null);

    public static UserAgentParseResult Known(InstallerDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return new(false, details);
    }
}
