using System.Text.Json;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data.Entities;

namespace Cheeseshop.Upload;

/// <summary>Copies core metadata onto a release row, and reads the multiple-use fields back.</summary>
public static class ReleaseMetadata
{
    /// <summary>The multiple-use fields kept together as JSON, in the canonical spelling.</summary>
    public static readonly string[] MultiFields =
    [
        "Classifier", "Requires-Dist", "Project-URL", "Provides-Extra", "Dynamic", "License-File",
        "Supported-Platform", "Requires-External", "Provides-Dist", "Obsoletes-Dist", "Requires", "Provides", "Obsoletes",
    ];

    public static void Apply(Release release, CoreMetadata m)
    {
        release.MetadataVersion = m.MetadataVersion ?? "";
        release.Summary = m.Summary;
        release.Description = m.Description;
        release.DescriptionContentType = m.Get("Description-Content-Type");
        release.Author = m.Get("Author");
        release.AuthorEmail = m.Get("Author-email");
        release.Maintainer = m.Get("Maintainer");
        release.MaintainerEmail = m.Get("Maintainer-email");
        release.License = m.Get("License");
        release.LicenseExpression = m.Get("License-Expression");
        release.Keywords = m.Get("Keywords");
        release.HomePage = m.Get("Home-page");
        release.DownloadUrl = m.Get("Download-URL");
        release.RequiresPython = m.RequiresPython;
        release.Platform = m.Get("Platform");
        var multi = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var field in MultiFields)
            if (m.GetAll(field) is { Count: > 0 } values) multi[field] = values;
        release.MultiFieldsJson = JsonSerializer.Serialize(multi);
    }

    public static IReadOnlyDictionary<string, string[]> ReadMulti(Release release) =>
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(release.MultiFieldsJson) ?? [];
}
