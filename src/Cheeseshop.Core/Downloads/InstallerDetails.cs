namespace Cheeseshop.Core.Downloads;

/// <summary>
/// What a download's User-Agent says about the client, in the shape of the <c>details</c>
/// record of PyPI's public <c>file_downloads</c> table (linehaul's <c>UserAgent</c>), so our
/// download statistics can be queried the same way. Every part is optional: most agents
/// reveal only some of it.
/// </summary>
public sealed record InstallerDetails(
    Installer? Installer = null,
    string? Python = null,
    Implementation? Implementation = null,
    Distro? Distro = null,
    SystemInfo? System = null,
    string? Cpu = null,
    string? OpensslVersion = null,
    string? SetuptoolsVersion = null,
    string? RustcVersion = null,
    bool? Ci = null);

/// <summary>The tool that made the request: "pip", "uv", "Browser", "bandersnatch", ...</summary>
public sealed record Installer(string? Name = null, string? Version = null);

/// <summary>The Python implementation, e.g. CPython 3.12.2 or PyPy 7.3.15.</summary>
public sealed record Implementation(string? Name = null, string? Version = null);

/// <summary>The operating-system distribution, e.g. Ubuntu 22.04 "jammy", or macOS 14.4.</summary>
public sealed record Distro(string? Name = null, string? Version = null, string? Id = null, Libc? Libc = null);

/// <summary>The C library the installer runs on, e.g. glibc 2.35.</summary>
public sealed record Libc(string? Lib = null, string? Version = null);

/// <summary>The kernel as Python's platform module names it, e.g. Linux 6.5.0-1016-azure.</summary>
public sealed record SystemInfo(string? Name = null, string? Release = null);
