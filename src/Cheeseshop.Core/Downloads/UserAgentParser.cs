namespace Cheeseshop.Core.Downloads;

/// <summary>
/// Reads a download request's User-Agent the way PyPI's linehaul does, so our download
/// statistics record the same installer names and details as PyPI's public dataset.
/// Never throws; cost is bounded by <see cref="MaxLength"/> and linear-time matching.
/// </summary>
public static class UserAgentParser
{
    /// <summary>
    /// Longer agents are not examined and count as unknown. Real installer agents stay well
    /// under 1 KB (pip's JSON one is about 500 characters).
    /// </summary>
    public const int MaxLength = 4096;

    public static UserAgentParseResult Parse(string? userAgent)
    {
        // A request without the header: the CDN logs it as "(null)", which linehaul ignores.
        if (userAgent is null) return UserAgentParseResult.Ignore;
        if (userAgent.Length > MaxLength) return UserAgentParseResult.Unknown;

        var details = JsonUserAgent.TryPip(userAgent)
            ?? JsonUserAgent.TryUv(userAgent)
            ?? JsonUserAgent.TryHatch(userAgent)
            ?? PatternUserAgents.TryParse(userAgent);
        if (details is not null) return UserAgentParseResult.Known(details);

        return IgnoredUserAgents.IsIgnored(userAgent) ? UserAgentParseResult.Ignore : UserAgentParseResult.Unknown;
    }
}
