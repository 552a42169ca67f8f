using System.Text.Json.Serialization;
using Cheeseshop.Core.Downloads;
using Parquet.Serialization.Attributes;

namespace Cheeseshop.Downloads;

// The export's rows: PyPI's BigQuery tables column for column, nested records and all, so a file loads
// into BigQuery with the public table's schema and reads the same in DuckDB and pyarrow. Property names
// are the column names (JsonPropertyName serves both Parquet.Net and System.Text.Json).

/// <summary>A row of <c>bigquery-public-data.pypi.file_downloads</c>.</summary>
public sealed class FileDownloadRow
{
    [JsonPropertyName("timestamp")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime Timestamp { get; set; }
    [JsonPropertyName("country_code")] public string? CountryCode { get; set; }
    [JsonPropertyName("url")] public string? Url { get; set; }
    [JsonPropertyName("project")] public string? Project { get; set; }
    [JsonPropertyName("file")] public FileRecordRow? File { get; set; }
    [JsonPropertyName("details")] public DetailsRow? Details { get; set; }
    [JsonPropertyName("tls_protocol")] public string? TlsProtocol { get; set; }
    [JsonPropertyName("tls_cipher")] public string? TlsCipher { get; set; }

    public static FileDownloadRow From(DownloadEvent e) => new()
    {
        Timestamp = e.Timestamp,
        CountryCode = e.CountryCode,
        Url = e.Url,
        Project = e.Project,
        File = new FileRecordRow { Filename = e.File.Filename, Project = e.File.Project, Version = e.File.Version, Type = e.File.Type },
        Details = DetailsRow.From(e.Details),
        TlsProtocol = e.TlsProtocol,
        TlsCipher = e.TlsCipher,
    };
}

/// <summary>A row of PyPI's <c>simple_requests</c> table.</summary>
public sealed class SimpleRequestRow
{
    [JsonPropertyName("timestamp")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime Timestamp { get; set; }
    [JsonPropertyName("url")] public string? Url { get; set; }
    [JsonPropertyName("project")] public string? Project { get; set; }
    [JsonPropertyName("tls_protocol")] public string? TlsProtocol { get; set; }
    [JsonPropertyName("tls_cipher")] public string? TlsCipher { get; set; }
    [JsonPropertyName("country_code")] public string? CountryCode { get; set; }
    [JsonPropertyName("details")] public DetailsRow? Details { get; set; }

    public static SimpleRequestRow From(SimpleRequestEvent e) => new()
    {
        Timestamp = e.Timestamp,
        Url = e.Url,
        Project = e.Project,
        TlsProtocol = e.TlsProtocol,
        TlsCipher = e.TlsCipher,
        CountryCode = e.CountryCode,
        Details = DetailsRow.From(e.Details),
    };
}

public sealed class FileRecordRow
{
    [JsonPropertyName("filename")] public string? Filename { get; set; }
    [JsonPropertyName("project")] public string? Project { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
}

public sealed class DetailsRow
{
    [JsonPropertyName("installer")] public NameVersionRow? Installer { get; set; }
    [JsonPropertyName("python")] public string? Python { get; set; }
    [JsonPropertyName("implementation")] public NameVersionRow? Implementation { get; set; }
    [JsonPropertyName("distro")] public DistroRow? Distro { get; set; }
    [JsonPropertyName("system")] public SystemRow? System { get; set; }
    [JsonPropertyName("cpu")] public string? Cpu { get; set; }
    [JsonPropertyName("openssl_version")] public string? OpensslVersion { get; set; }
    [JsonPropertyName("setuptools_version")] public string? SetuptoolsVersion { get; set; }
    [JsonPropertyName("rustc_version")] public string? RustcVersion { get; set; }
    [JsonPropertyName("ci")] public bool? Ci { get; set; }

    public static DetailsRow? From(InstallerDetails? d) => d is null ? null : new DetailsRow
    {
        Installer = d.Installer is null ? null : new NameVersionRow { Name = d.Installer.Name, Version = d.Installer.Version },
        Python = d.Python,
        Implementation = d.Implementation is null ? null : new NameVersionRow { Name = d.Implementation.Name, Version = d.Implementation.Version },
        Distro = d.Distro is null ? null : new DistroRow
        {
            Name = d.Distro.Name,
            Version = d.Distro.Version,
            Id = d.Distro.Id,
            Libc = d.Distro.Libc is null ? null : new LibcRow { Lib = d.Distro.Libc.Lib, Version = d.Distro.Libc.Version },
        },
        System = d.System is null ? null : new SystemRow { Name = d.System.Name, Release = d.System.Release },
        Cpu = d.Cpu,
        OpensslVersion = d.OpensslVersion,
        SetuptoolsVersion = d.SetuptoolsVersion,
        RustcVersion = d.RustcVersion,
        Ci = d.Ci,
    };
}

public sealed class NameVersionRow
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
}

public sealed class DistroRow
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("libc")] public LibcRow? Libc { get; set; }
}

public sealed class LibcRow
{
    [JsonPropertyName("lib")] public string? Lib { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
}

public sealed class SystemRow
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("release")] public string? Release { get; set; }
}
