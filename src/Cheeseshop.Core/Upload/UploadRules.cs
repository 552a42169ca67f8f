using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Upload;

/// <summary>
/// What an upload must satisfy to enter the index, and the message for each refusal, in the order
/// warehouse applies its checks (docs/compatibility.md), plus one check warehouse skips: the metadata
/// inside the file must agree with the form. Pure: the service reads the archive and the database and
/// hands the facts in; the endpoint turns a refusal into its HTTP status.
/// </summary>
public static class UploadRules
{
    /// <summary>The checks that need nothing but the request: the action, the form and the file part.
    /// On success <paramref name="candidate"/> holds what the form and file name say.</summary>
    public static UploadDecision CheckRequest(UploadRequest request, out UploadCandidate? candidate)
    {
        candidate = null;
        if (CheckAction(request.Action ?? request.Get(":action")) is { } refused) return refused;
        if (request.Get("protocol_version") is { } pv && pv != "1")
            return UploadDecision.BadRequest("Unknown protocol version.");

        var metadata = CoreMetadata.FromFormFields(request.Fields);
        if (metadata.Validate() is { Count: > 0 } problems)
            return UploadDecision.BadRequest(problems[0]);
        var version = PackageVersion.Parse(metadata.Version!);

        if (request.Digests is null || string.IsNullOrEmpty(request.Filename))
            return UploadDecision.BadRequest("Upload payload does not have a file.");
        var (fileTypeProblem, packageType, pythonVersion) = CheckFileType(request);
        if (fileTypeProblem is not null) return fileTypeProblem;
        if (CheckDigests(request, request.Digests) is { } digestProblem) return digestProblem;
        var (filenameProblem, filename) = CheckFilename(request.Filename, metadata.Name!, version, packageType);
        if (filenameProblem is not null) return filenameProblem;
        if (request.ContentType is null || request.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            return UploadDecision.BadRequest("Invalid distribution file.");

        candidate = new UploadCandidate(metadata, version, filename!, packageType, pythonVersion, request.Digests, request.Size);
        return UploadDecision.Accepted;
    }

    /// <summary>An archive the reader could not accept (<see cref="InvalidDistributionException"/>).</summary>
    public static UploadDecision InvalidDistribution(string detail) => UploadDecision.BadRequest("Invalid distribution file. " + detail);

    /// <summary>
    /// The form is what twine says the file holds; the file must say the same about the fields that
    /// clients act on (what to install, for which Python, with which dependencies).
    /// </summary>
    public static UploadDecision CheckContents(UploadCandidate candidate, DistributionContents contents)
    {
        var form = candidate.Metadata;
        var file = contents.Metadata;
        UploadDecision Mismatch(string field, string? a, string? b) => UploadDecision.BadRequest(
            $"The form and the file disagree: {field} is '{Printable(a ?? "")}' in the upload form but '{Printable(b ?? "")}' in {contents.MetadataPath}.");

        if (file.Name is null || ProjectName.Normalize(file.Name) != ProjectName.Normalize(form.Name!))
            return Mismatch("Name", form.Name, file.Name);
        if (file.Version is null || !PackageVersion.TryParse(file.Version, out var fileVersion) || !fileVersion!.Equals(candidate.Version))
            return Mismatch("Version", form.Version, file.Version);
        if (NormalizeSpecifiers(form.RequiresPython) != NormalizeSpecifiers(file.RequiresPython))
            return Mismatch("Requires-Python", form.RequiresPython, file.RequiresPython);
        var formDeps = form.GetAll("Requires-Dist").Select(d => d.Trim()).Order(StringComparer.Ordinal).ToList();
        var fileDeps = file.GetAll("Requires-Dist").Select(d => d.Trim()).Order(StringComparer.Ordinal).ToList();
        if (!formDeps.SequenceEqual(fileDeps))
            return Mismatch("Requires-Dist", string.Join(", ", formDeps), string.Join(", ", fileDeps));
        return UploadDecision.Accepted;
    }

    /// <summary>
    /// Where the candidate may go, given what the index holds: who may upload to the project (or create it),
    /// whether the file or its name is there already or was ever, one sdist per release, and the project's
    /// size limit.
    /// <see cref="UploadDecision.AlreadyPresent"/> for the very same file uploaded again.
    /// </summary>
    public static UploadDecision CheckPlacement(UploadCandidate candidate, IndexFacts facts, long maxProjectBytes)
    {
        if (facts.Project is null)
        {
            if (facts.TokenProjects is not null)
                return UploadDecision.Forbidden($"The given token isn't allowed to upload to project '{candidate.Name}': it is scoped to another project.");
            if (ProjectCreationRules.CheckNewProject(candidate.Name, facts.Username, facts.Creation) is { } refused) return refused;
        }
        else
        {
            if (facts.TokenProjects is { } scope && !scope.Contains(facts.Project.Id))
                return UploadDecision.Forbidden($"The given token isn't allowed to upload to project '{facts.Project.Name}'.");
            if (!facts.HasRole)
                return UploadDecision.Forbidden($"The user '{facts.Username}' isn't allowed to upload to project '{facts.Project.Name}'.");
        }

        var filename = candidate.Filename.Filename;
        var digests = candidate.Digests;
        if (facts.SameNameOrDigest is { } existing)
        {
            return existing.Filename == filename && existing.Sha256 == digests.Sha256 && existing.Blake2b256 == digests.Blake2b256
                ? UploadDecision.AlreadyPresent
                : UploadDecision.BadRequest($"File already exists ('{filename}', with blake2_256 hash '{digests.Blake2b256}'). A filename can be used only once; upload under a new version.");
        }
        if (facts.FilenameUsedBefore)
            return UploadDecision.BadRequest("This filename was previously used by a file that has since been deleted. Use a different version.");

        // A project whose name differs only in form takes the upload's spelling, so the message uses it.
        if ((facts.Project?.TotalSize ?? 0) + candidate.Size > maxProjectBytes)
            return UploadDecision.TooLarge($"Project size too large. Limit for project '{candidate.Name}' total size is {FormatSize(maxProjectBytes)}.");
        if (candidate.PackageType == "sdist" && facts.ReleaseHasSdist)
            return UploadDecision.BadRequest("Only one sdist may be uploaded per release.");
        return UploadDecision.Accepted;
    }

    /// <summary>A file (or a request body) larger than the per-file limit.</summary>
    public static UploadDecision FileTooLarge(long maxFileBytes) => UploadDecision.TooLarge($"File too large. Limit is {FormatSize(maxFileBytes)}.");

    public static string FormatSize(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes} bytes";

    private static UploadDecision? CheckAction(string? action) => action switch
    {
        "file_upload" => null,
        null or "" => UploadDecision.BadRequest("Missing ':action' field: set it to 'file_upload'."),
        "submit" or "submit_pkg_info" => UploadDecision.Gone("Project pre-registration is no longer required or supported, upload your files instead."),
        "doc_upload" => UploadDecision.Gone("Uploading documentation is no longer supported."),
        _ => UploadDecision.BadRequest($"Unknown :action '{Printable(action)}': only 'file_upload' is supported."),
    };

    private static (UploadDecision? Problem, string PackageType, string PythonVersion) CheckFileType(UploadRequest request)
    {
        var filetype = request.Get("filetype");
        var pyversion = request.Get("pyversion") ?? "";
        switch (filetype)
        {
            case "sdist":
                return pyversion is "" or "source"
                    ? (null, "sdist", "source")
                    : (Bad("Invalid value for pyversion. Error: 'source' is the only valid Python version for a non-wheel distribution."), "", "");
            case "bdist_wheel":
                if (pyversion.Length == 0)
                    return (Bad("Invalid value for pyversion. Error: Python version is required for binary distribution uploads."), "", "");
                if (pyversion.Length > 100 || pyversion.Any(char.IsControl))
                    return (Bad("Invalid value for pyversion. Error: Use a valid Python tag such as 'py3'."), "", "");
                return (null, "bdist_wheel", pyversion);
            case null or "":
                return (Bad("Invalid value for filetype. Error: This field is required."), "", "");
            default:
                return (Bad($"Invalid value for filetype. Error: '{Printable(filetype)}' is not a known file type; use 'sdist' or 'bdist_wheel'."), "", "");
        }
    }

    private static UploadDecision? CheckDigests(UploadRequest request, FileDigests actual)
    {
        var md5 = request.Get("md5_digest");
        var sha256 = request.Get("sha256_digest");
        var blake2 = request.Get("blake2_256_digest");
        if (string.IsNullOrEmpty(md5) && string.IsNullOrEmpty(sha256) && string.IsNullOrEmpty(blake2))
            return Bad("Error: Include at least one message digest.");
        foreach (var (field, given, expectedLength, computed) in new[]
                 {
                     ("md5_digest", md5, 32, actual.Md5),
                     ("sha256_digest", sha256, 64, actual.Sha256),
                     ("blake2_256_digest", blake2, 64, actual.Blake2b256),
                 })
        {
            if (string.IsNullOrEmpty(given)) continue;
            if (given.Length != expectedLength || !given.All(Uri.IsHexDigit))
                return Bad($"Invalid value for {field}. Error: Use a valid, hex-encoded digest of {expectedLength} characters.");
            if (!given.Equals(computed, StringComparison.OrdinalIgnoreCase))
                return Bad($"The digest supplied does not match a digest calculated from the uploaded file ({field}).");
        }
        return null;
    }

    private static (UploadDecision? Problem, DistributionFilename? Filename) CheckFilename(string raw, string name, PackageVersion version, string packageType)
    {
        if (!DistributionFilename.TryParse(raw, name, out var parsed, out var error))
            return (Bad(error ?? $"Invalid filename '{Printable(raw)}'."), null);
        var expectedKind = packageType == "sdist" ? DistributionKind.Sdist : DistributionKind.Wheel;
        if (parsed!.Kind != expectedKind)
            return (Bad($"Invalid file extension: '{Printable(raw)}' is not a valid {packageType} filename (use .tar.gz for sdist, .whl for bdist_wheel)."), null);
        if (ProjectName.Normalize(parsed.Name) != ProjectName.Normalize(name))
            return (Bad($"Start filename for project '{name}' with '{ProjectName.Normalize(name).Replace('-', '_')}'."), null);
        if (!parsed.Version.Equals(version))
            return (Bad($"Version in filename should be '{version}' not '{parsed.Version}'."), null);
        return (null, parsed);
    }

    private static UploadDecision Bad(string message) => UploadDecision.BadRequest(message);

    private static string NormalizeSpecifiers(string? text) =>
        string.IsNullOrWhiteSpace(text) ? ""
        : SpecifierSet.TryParse(text, out var set) ? set!.ToString() : text.Trim();

    /// <summary>User text echoed in a message: no control characters, bounded length.</summary>
    private static string Printable(string s) =>
        new string(s.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
