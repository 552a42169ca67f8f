namespace Cheeseshop.Core.Downloads;

/// <summary>
/// One download of a distribution file, in the shape of a row of PyPI's public
/// <c>bigquery-public-data.pypi.file_downloads</c> table. There is no client address here, by design:
/// the address is used in memory to find <see cref="CountryCode"/> and then dropped.
/// </summary>
/// <param name="Timestamp">When the file was served (UTC, microsecond precision).</param>
/// <param name="CountryCode">ISO 3166 alpha-2 code of the client's country, when known.</param>
/// <param name="Url">The path that was requested, e.g. /packages/ab/cd/.../name-1.0-py3-none-any.whl.</param>
/// <param name="Project">The PEP 503 normalized project name.</param>
/// <param name="Details">What the User-Agent said; null for an agent linehaul does not recognise.</param>
public sealed record DownloadEvent(
    DateTime Timestamp,
    string? CountryCode,
    string Url,
    string Project,
    DownloadedFile File,
    InstallerDetails? Details,
    string? TlsProtocol,
    string? TlsCipher);

/// <summary>The <c>file</c> record of <c>file_downloads</c>.</summary>
/// <param name="Type">The package type as PyPI names it: "bdist_wheel", "sdist", "bdist_egg", ...</param>
public sealed record DownloadedFile(string Filename, string Project, string Version, string Type);

/// <summary>
/// One request for a project's simple page, in the shape of PyPI's <c>simple_requests</c> table
/// (recorded only when the operator turns it on).
/// </summary>
public sealed record SimpleRequestEvent(
    DateTime Timestamp,
    string? CountryCode,
    string Url,
    string Project,
    InstallerDetails? Details,
    string? TlsProtocol,
    string? TlsCipher);
