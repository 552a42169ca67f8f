namespace Cheeseshop.Core.Packaging;

/// <summary>The core metadata field names (Metadata-Version 1.0 to 2.4, plus 2.5's Import-Name and
/// Import-Namespace) in their canonical spelling, and the names twine gives them in upload forms.</summary>
internal static class CoreMetadataFields
{
    public static readonly string[] Known =
    [
        "Metadata-Version", "Name", "Version", "Dynamic", "Platform", "Supported-Platform", "Summary",
        "Description", "Description-Content-Type", "Keywords", "Home-page", "Download-URL", "Author",
        "Author-email", "Maintainer", "Maintainer-email", "License", "License-Expression", "License-File",
        "Classifier", "Requires-Dist", "Requires-Python", "Requires-External", "Project-URL", "Provides-Extra",
        "Provides-Dist", "Obsoletes-Dist", "Requires", "Provides", "Obsoletes", "Import-Name", "Import-Namespace",
    ];

    private static readonly Dictionary<string, string> CanonicalByName =
        Known.ToDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of a known field ("requires-dist" → "Requires-Dist"); unknown
    /// fields keep the spelling they were given.</summary>
    public static string Canonical(string name) => CanonicalByName.TryGetValue(name, out var c) ? c : name;

    /// <summary>Fields whose line breaks carry meaning, so folding keeps them (setuptools writes
    /// multi-line License texts the same way as Description).</summary>
    public static bool KeepsLineBreaks(string canonicalName) => canonicalName is "Description" or "License";

    // Upload form field names (twine's package.py; warehouse's forklift metadata mapping):
    // lower case, '_' for '-', plural names for multiple-use fields.
    public static readonly Dictionary<string, string> ByFormField = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metadata_version"] = "Metadata-Version",
        ["name"] = "Name",
        ["version"] = "Version",
        ["dynamic"] = "Dynamic",
        ["platform"] = "Platform",
        ["supported_platform"] = "Supported-Platform",
        ["summary"] = "Summary",
        ["description"] = "Description",
        ["description_content_type"] = "Description-Content-Type",
        ["keywords"] = "Keywords",
        ["home_page"] = "Home-page",
        ["download_url"] = "Download-URL",
        ["author"] = "Author",
        ["author_email"] = "Author-email",
        ["maintainer"] = "Maintainer",
        ["maintainer_email"] = "Maintainer-email",
        ["license"] = "License",
        ["license_expression"] = "License-Expression",
        ["license_file"] = "License-File",
        ["license_files"] = "License-File",
        ["classifiers"] = "Classifier",
        ["requires_dist"] = "Requires-Dist",
        ["requires_python"] = "Requires-Python",
        ["requires_external"] = "Requires-External",
        ["project_urls"] = "Project-URL",
        ["provides_extra"] = "Provides-Extra",
        ["provides_dist"] = "Provides-Dist",
        ["obsoletes_dist"] = "Obsoletes-Dist",
        ["requires"] = "Requires",
        ["provides"] = "Provides",
        ["obsoletes"] = "Obsoletes",
        ["import_name"] = "Import-Name",
        ["import_namespace"] = "Import-Namespace",
    };
}
