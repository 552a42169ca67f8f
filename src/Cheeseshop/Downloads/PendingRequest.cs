namespace Cheeseshop.Downloads;

public enum RequestKind : byte
{
    File,
    Simple,
}

/// <summary>
/// What the request path hands to the writer: no address (the country was looked up already), the raw
/// User-Agent (parsed on the writer's thread, off the download's path), and the filename or project name.
/// </summary>
public readonly record struct PendingRequest(
    RequestKind Kind,
    DateTime Timestamp,
    string Url,
    string Name,
    string? UserAgent,
    string? CountryCode,
    string? TlsProtocol,
    string? TlsCipher);
