using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Upload;

/// <summary>An upload as received: the query's <c>:action</c>, the form's text fields, and the file part
/// (its name, content type, digests and size; no digests when the request had no file).</summary>
public sealed record UploadRequest(
    string? Action, IReadOnlyList<KeyValuePair<string, string>> Fields,
    string? Filename, string? ContentType, FileDigests? Digests, long Size)
{
    public string? Get(string name) => Fields.FirstOrDefault(f => f.Key == name).Value;
}

/// <summary>A request whose form and file passed every check that needs nothing but the request.</summary>
public sealed record UploadCandidate(
    CoreMetadata Metadata, PackageVersion Version, DistributionFilename Filename,
    string PackageType, string PythonVersion, FileDigests Digests, long Size)
{
    /// <summary>The project's name as this upload spells it.</summary>
    public string Name => Metadata.Name!;
}

/// <summary>A project already in the index.</summary>
public sealed record ExistingProject(Guid Id, string Name, long TotalSize);

/// <summary>A file already in the index.</summary>
public sealed record ExistingFile(string Filename, string Sha256, string Blake2b256);

/// <summary>
/// What the index holds that decides whether a candidate may go in, read in the transaction that would
/// add it.
/// </summary>
/// <param name="Project">The project the upload names, or null when the upload would create it.</param>
/// <param name="TokenProjects">The projects the uploader's token is limited to: the one of a project-scoped token, or every
/// project its trusted publisher is registered on for a minted one; null for an unscoped token or a password.</param>
/// <param name="Username">Who uploads.</param>
/// <param name="HasRole">Whether the uploader has a role on <paramref name="Project"/>.</param>
/// <param name="SameNameOrDigest">A file with the candidate's filename or blake2b-256 digest, if any.</param>
/// <param name="FilenameUsedBefore">Whether the filename was ever used, by a file since deleted included.</param>
/// <param name="ReleaseHasSdist">Whether the candidate's release exists and has an sdist already.</param>
/// <param name="Creation">Who may create a project and whether the name is prohibited: decides only when
/// <paramref name="Project"/> is null.</param>
public sealed record IndexFacts(
    ExistingProject? Project, IReadOnlyCollection<Guid>? TokenProjects, string Username, bool HasRole,
    ExistingFile? SameNameOrDigest, bool FilenameUsedBefore, bool ReleaseHasSdist, CreationFacts Creation);
