namespace Cheeseshop.Core.Packaging;

/// <summary>
/// Core metadata (Metadata-Version 1.0 to 2.4): the RFC 822-style headers of METADATA / PKG-INFO
/// and the description body. Field names are case-insensitive; multiple-use fields keep every value
/// in order.
/// </summary>
public sealed class CoreMetadata
{
    /// <summary>Versions accepted for upload (as warehouse: 1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4).</summary>
    public static IReadOnlySet<string> SupportedVersions { get; } = new HashSet<string> { "1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4" };

    /// <summary>Every field in order of appearance; keys in their canonical spelling (e.g. "Requires-Dist").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => throw new NotImplementedException();

    /// <summary>First value of a field, or null.</summary>
    public string? Get(string field) => throw new NotImplementedException();
    /// <summary>All values of a (multiple-use) field, possibly empty.</summary>
    public IReadOnlyList<string> GetAll(string field) => throw new NotImplementedException();

    public string? MetadataVersion => Get("Metadata-Version");
    public string? Name => Get("Name");
    public string? Version => Get("Version");
    public string? Summary => Get("Summary");
    public string? RequiresPython => Get("Requires-Python");
    /// <summary>The Description field, or the message body (2.1+), with continuation indentation removed.</summary>
    public string? Description => throw new NotImplementedException();

    /// <summary>Parses METADATA / PKG-INFO text (UTF-8 decoded). Tolerant of CRLF; folded continuation lines
    /// ("\n        |" style of Description in 1.x) are joined as the packaging library does.</summary>
    public static CoreMetadata Parse(string text) => throw new NotImplementedException();

    /// <summary>Builds metadata from upload form fields (twine's names: lower-case, '_' for '-', plural
    /// for multiple-use fields such as "classifiers", "requires_dist", "project_urls").</summary>
    public static CoreMetadata FromFormFields(IEnumerable<KeyValuePair<string, string>> formFields) => throw new NotImplementedException();

    /// <summary>Problems that make metadata unacceptable for upload (missing Metadata-Version/Name/Version,
    /// unsupported Metadata-Version, invalid name, invalid or local version, bad Requires-Python...),
    /// each a sentence a person understands. Empty when valid.</summary>
    public IReadOnlyList<string> Validate() => throw new NotImplementedException();
}
