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

    /// <summary>Warehouse's limit on the Summary field.</summary>
    public const int MaxSummaryLength = 512;

    private readonly List<KeyValuePair<string, string>> _fields;

    private CoreMetadata(List<KeyValuePair<string, string>> fields) => _fields = fields;

    /// <summary>Every field in order of appearance; keys in their canonical spelling (e.g. "Requires-Dist").
    /// A description given as the message body appears last, as "Description".</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields.AsReadOnly();

    /// <summary>First value of a field, or null.</summary>
    public string? Get(string field)
    {
        var key = CoreMetadataFields.Canonical(field);
        foreach (var f in _fields)
        {
            if (string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)) return f.Value;
        }
        return null;
    }

    /// <summary>All values of a (multiple-use) field, possibly empty.</summary>
    public IReadOnlyList<string> GetAll(string field)
    {
        var key = CoreMetadataFields.Canonical(field);
        return _fields.Where(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList();
    }

    public string? MetadataVersion => Get("Metadata-Version");
    public string? Name => Get("Name");
    public string? Version => Get("Version");
    public string? Summary => Get("Summary");
    public string? RequiresPython => Get("Requires-Python");
    /// <summary>The Description field, or the message body (2.1+), with continuation indentation removed.</summary>
    public string? Description => Get("Description");

    /// <summary>Parses METADATA / PKG-INFO text (UTF-8 decoded). Tolerant of CRLF; folded continuation lines
    /// ("\n        |" style of Description in 1.x) are joined: Description and License keep their line
    /// breaks without the folding indent (8 spaces, or spaces and '|'), other fields become one line
    /// (as twine sends them). The body is kept exactly as written.</summary>
    public static CoreMetadata Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (fields, body) = MetadataHeaderParser.Parse(text);
        // Metadata 2.1 moved the description into the message body. As in the packaging library, a
        // body is the description whenever no Description header was given; when both exist the
        // header wins.
        if (!string.IsNullOrWhiteSpace(body) && !fields.Any(f => f.Key == "Description"))
            fields.Add(new("Description", body));
        return new CoreMetadata(fields);
    }

    /// <summary>The fields as an upload form carries them (what twine sends for this metadata): the inverse of
    /// <see cref="FromFormFields"/>. Fields no form field carries are left out.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToFormFields()
    {
        foreach (var (field, value) in _fields)
        {
            if (FormFieldOf.TryGetValue(field, out var formField)) yield return new(formField, value);
        }
    }

    private static readonly Dictionary<string, string> FormFieldOf = CoreMetadataFields.ByFormField
        .GroupBy(kv => kv.Value, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First().Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds metadata from upload form fields (twine's names: lower-case, '_' for '-', plural
    /// for multiple-use fields such as "classifiers", "requires_dist", "project_urls").</summary>
    public static CoreMetadata FromFormFields(IEnumerable<KeyValuePair<string, string>> formFields)
    {
        ArgumentNullException.ThrowIfNull(formFields);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in formFields)
        {
            // Everything else in the upload form (":action", "protocol_version", "content", "filetype",
            // "pyversion", the digests, "comment", "attestations", "gpg_signature", ...) is not metadata.
            if (key is null || !CoreMetadataFields.ByFormField.TryGetValue(key, out var field)) continue;
            // Old setuptools wrote "UNKNOWN" for every unset field; an empty value is no value.
            if (string.IsNullOrWhiteSpace(value) || value == "UNKNOWN") continue;
            fields.Add(new(field, value));
        }
        return new CoreMetadata(fields);
    }

    /// <summary>Problems that make metadata unacceptable for upload (missing Metadata-Version/Name/Version,
    /// unsupported Metadata-Version, invalid name, invalid or local version, bad Requires-Python...),
    /// each a sentence a person understands. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        foreach (var single in (string[])["Metadata-Version", "Name", "Version", "Summary", "Requires-Python"])
        {
            if (GetAll(single).Count > 1) errors.Add($"The {single} field may only be given once.");
        }

        var metadataVersion = MetadataVersion?.Trim();
        if (string.IsNullOrEmpty(metadataVersion))
            errors.Add("Metadata-Version is missing; it is a required field.");
        else if (!SupportedVersions.Contains(metadataVersion))
            errors.Add($"Metadata-Version {MessageText.Quote(metadataVersion)} is not supported; use one of "
                     + string.Join(", ", SupportedVersions.Order(StringComparer.Ordinal)) + ".");

        var name = Name;
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("Name is missing; it is a required field.");
        else if (!ProjectName.IsValid(name))
            errors.Add($"{MessageText.Quote(name)} is an invalid value for Name. A name must start and end with "
                     + "an ASCII letter or digit and contain only ASCII letters, digits, '.', '_' and '-'.");

        var version = Version;
        if (string.IsNullOrWhiteSpace(version))
            errors.Add("Version is missing; it is a required field.");
        else if (!PackageVersion.TryParse(version, out var parsed))
            errors.Add($"{MessageText.Quote(version)} is an invalid value for Version. Use a version that "
                     + "complies with PEP 440, such as 1.0, 2.1b3 or 3.0.post1.");
        else if (parsed!.Local is not null)
            errors.Add("Can't use PEP 440 local versions.");

        var requiresPython = RequiresPython;
        if (requiresPython is not null && !SpecifierSet.TryParse(requiresPython, out _))
            errors.Add($"{MessageText.Quote(requiresPython)} is an invalid value for Requires-Python. Use PEP 440 "
                     + "version specifiers separated by commas, such as '>=3.8' or '>=3.8, !=3.9.*'.");

        var summary = Summary;
        if (summary is not null)
        {
            if (summary.Length > MaxSummaryLength)
                errors.Add($"Summary must be {MaxSummaryLength} characters or less (it has {summary.Length}).");
            if (summary.Contains('\n') || summary.Contains('\r'))
                errors.Add("Summary must be a single line; it contains a line break.");
        }

        return errors;
    }
}
