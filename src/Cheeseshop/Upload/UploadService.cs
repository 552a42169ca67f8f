using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Upload;

public enum UploadOutcome { Stored, AlreadyPresent }

/// <summary>
/// The rules of an upload, in the order warehouse applies them (shared/WIRE.md §5), plus the check
/// warehouse skips: the metadata inside the file must agree with the form. Nothing is written until
/// every check passed; the file is moved into the store just before the database commit and removed
/// again if the commit fails, so a failed upload leaves no file and no row.
/// </summary>
public sealed class UploadService(
    CheeseshopDb db, IFileStore store, CheeseshopOptions options, TimeProvider clock,
    IndexChangeFeed changes, EventRecorder events, ILogger<UploadService> log)
{
    private const string HelpSuffix = " See the packaging user guide for how to build a distribution.";

    public async Task<UploadOutcome> UploadAsync(BasicIdentity who, UploadForm form, string? action, string? userAgent, CancellationToken ct)
    {
        CheckAction(action ?? form.Get(":action"));
        if (form.Get("protocol_version") is { } pv && pv != "1")
            throw new UploadException(400, "Unknown protocol version.");

        var metadata = CoreMetadata.FromFormFields(form.Fields);
        if (metadata.Validate() is { Count: > 0 } problems)
            throw new UploadException(400, problems[0]);
        var name = metadata.Name!;
        var version = PackageVersion.Parse(metadata.Version!);

        if (form.TempFile is null || form.Digests is null || string.IsNullOrEmpty(form.ContentFilename))
            throw new UploadException(400, "Upload payload does not have a file.");

        var (packageType, pythonVersion) = CheckFileType(form);
        CheckDigests(form, form.Digests);
        var filename = CheckFilename(form, name, version, packageType);
        if (form.ContentType is null || form.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            throw new UploadException(400, "Invalid distribution file.");

        var contents = ReadArchive(form, filename);
        CheckAgreement(metadata, contents);

        return await StoreAsync(who, form, metadata, version, filename, packageType, pythonVersion, contents, userAgent, ct);
    }

    private static void CheckAction(string? action)
    {
        switch (action)
        {
            case "file_upload": return;
            case null or "": throw new UploadException(400, "Missing ':action' field: set it to 'file_upload'.");
            case "submit" or "submit_pkg_info":
                throw new UploadException(410, "Project pre-registration is no longer required or supported, upload your files instead.");
            case "doc_upload":
                throw new UploadException(410, "Uploading documentation is no longer supported.");
            default:
                throw new UploadException(400, $"Unknown :action '{Printable(action)}': only 'file_upload' is supported.");
        }
    }

    private static (string PackageType, string PythonVersion) CheckFileType(UploadForm form)
    {
        var filetype = form.Get("filetype");
        var pyversion = form.Get("pyversion") ?? "";
        switch (filetype)
        {
            case "sdist":
                if (pyversion is not ("" or "source"))
                    throw new UploadException(400, "Invalid value for pyversion. Error: 'source' is the only valid Python version for a non-wheel distribution.");
                return ("sdist", "source");
            case "bdist_wheel":
                if (pyversion.Length == 0)
                    throw new UploadException(400, "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.");
                if (pyversion.Length > 100 || pyversion.Any(char.IsControl))
                    throw new UploadException(400, "Invalid value for pyversion. Error: Use a valid Python tag such as 'py3'.");
                return ("bdist_wheel", pyversion);
            case null or "":
                throw new UploadException(400, "Invalid value for filetype. Error: This field is required.");
            default:
                throw new UploadException(400, $"Invalid value for filetype. Error: '{Printable(filetype)}' is not a known file type; use 'sdist' or 'bdist_wheel'.");
        }
    }

    private static void CheckDigests(UploadForm form, FileDigests actual)
    {
        var md5 = form.Get("md5_digest");
        var sha256 = form.Get("sha256_digest");
        var blake2 = form.Get("blake2_256_digest");
        if (string.IsNullOrEmpty(md5) && string.IsNullOrEmpty(sha256) && string.IsNullOrEmpty(blake2))
            throw new UploadException(400, "Error: Include at least one message digest.");
        foreach (var (field, given, expectedLength, computed) in new[]
                 {
                     ("md5_digest", md5, 32, actual.Md5),
                     ("sha256_digest", sha256, 64, actual.Sha256),
                     ("blake2_256_digest", blake2, 64, actual.Blake2b256),
                 })
        {
            if (string.IsNullOrEmpty(given)) continue;
            if (given.Length != expectedLength || !given.All(Uri.IsHexDigit))
                throw new UploadException(400, $"Invalid value for {field}. Error: Use a valid, hex-encoded digest of {expectedLength} characters.");
            if (!given.Equals(computed, StringComparison.OrdinalIgnoreCase))
                throw new UploadException(400, $"The digest supplied does not match a digest calculated from the uploaded file ({field}).");
        }
    }

    private static DistributionFilename CheckFilename(UploadForm form, string name, PackageVersion version, string packageType)
    {
        var raw = form.ContentFilename!;
        if (!DistributionFilename.TryParse(raw, name, out var parsed, out var error))
            throw new UploadException(400, error ?? $"Invalid filename '{Printable(raw)}'.");
        var expectedKind = packageType == "sdist" ? DistributionKind.Sdist : DistributionKind.Wheel;
        if (parsed!.Kind != expectedKind)
            throw new UploadException(400, $"Invalid file extension: '{Printable(raw)}' is not a valid {packageType} filename (use .tar.gz for sdist, .whl for bdist_wheel).");
        if (ProjectName.Normalize(parsed.Name) != ProjectName.Normalize(name))
            throw new UploadException(400, $"Start filename for project '{name}' with '{ProjectName.Normalize(name).Replace('-', '_')}'.");
        if (!parsed.Version.Equals(version))
            throw new UploadException(400, $"Version in filename should be '{version}' not '{parsed.Version}'.");
        return parsed;
    }

    private DistributionContents ReadArchive(UploadForm form, DistributionFilename filename)
    {
        var limits = new ArchiveLimits(options.Limits.MaxArchiveEntries, options.Limits.MaxMetadataBytes, options.Limits.MaxCompressionRatio);
        using var file = File.OpenRead(form.TempFile!);
        try
        {
            return DistributionReader.Read(file, filename, limits);
        }
        catch (InvalidDistributionException e)
        {
            throw new UploadException(400, "Invalid distribution file. " + e.Message);
        }
    }

    /// <summary>The form is what twine says the file holds; make sure the file says the same about the
    /// fields that clients act on (what to install, for which Python, with which dependencies).</summary>
    private static void CheckAgreement(CoreMetadata form, DistributionContents contents)
    {
        var file = contents.Metadata;
        void Mismatch(string field, string? a, string? b) => throw new UploadException(400,
            $"The form and the file disagree: {field} is '{Printable(a ?? "")}' in the upload form but '{Printable(b ?? "")}' in {contents.MetadataPath}.");

        if (file.Name is null || ProjectName.Normalize(file.Name) != ProjectName.Normalize(form.Name!))
            Mismatch("Name", form.Name, file.Name);
        if (file.Version is null || !PackageVersion.TryParse(file.Version, out var fileVersion) ||
            !fileVersion!.Equals(PackageVersion.Parse(form.Version!)))
            Mismatch("Version", form.Version, file.Version);
        if (NormalizeSpecifiers(form.RequiresPython) != NormalizeSpecifiers(file.RequiresPython))
            Mismatch("Requires-Python", form.RequiresPython, file.RequiresPython);
        var formDeps = form.GetAll("Requires-Dist").Select(d => d.Trim()).Order(StringComparer.Ordinal).ToList();
        var fileDeps = file.GetAll("Requires-Dist").Select(d => d.Trim()).Order(StringComparer.Ordinal).ToList();
        if (!formDeps.SequenceEqual(fileDeps))
            Mismatch("Requires-Dist", string.Join(", ", formDeps), string.Join(", ", fileDeps));
    }

    private static string NormalizeSpecifiers(string? text) =>
        string.IsNullOrWhiteSpace(text) ? ""
        : SpecifierSet.TryParse(text, out var set) ? set!.ToString() : text.Trim();

    private async Task<UploadOutcome> StoreAsync(
        BasicIdentity who, UploadForm form, CoreMetadata metadata, PackageVersion version, DistributionFilename filename,
        string packageType, string pythonVersion, DistributionContents contents, string? userAgent, CancellationToken ct)
    {
        var digests = form.Digests!;
        var now = clock.GetUtcNow().UtcDateTime;
        var normalized = ProjectName.Normalize(metadata.Name!);
        var path = digests.StoragePath(filename.Filename);
        var journal = new Journal(db, clock);
        var stored = false;

        await using var tx = await db.BeginWriteAsync(ct);
        try
        {
            var user = await db.Users.SingleAsync(u => u.Id == who.User.Id, ct);
            var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
            if (project is null)
            {
                if (who.Token?.ProjectId is not null)
                    throw new UploadException(403, $"The given token isn't allowed to upload to project '{metadata.Name}': it is scoped to another project.");
                project = new Project { Id = Guid.NewGuid(), Name = metadata.Name!, NormalizedName = normalized, Created = now };
                db.Projects.Add(project);
                db.Roles.Add(new Role { ProjectId = project.Id, UserId = user.Id, RoleName = RoleNames.Owner });
                journal.Record(project, null, "create", user.Id);
                journal.Record(project, null, $"add {RoleNames.Owner} {user.Username}", user.Id);
                await events.ProjectEventAsync(project.Id, EventTags.Project.Created, user.Id, new { created_by = user.Username }, ct);
                await events.ProjectEventAsync(project.Id, EventTags.Project.RoleAdded, user.Id,
                    new { submitted_by = user.Username, role_name = RoleNames.Owner, target_user = user.Username }, ct);
                await events.UserEventAsync(user.Id, EventTags.Account.RoleAdded,
                    new { submitted_by = user.Username, project_name = project.Name, role_name = RoleNames.Owner }, ct);
            }
            else
            {
                if (who.Token?.ProjectId is { } scope && scope != project.Id)
                    throw new UploadException(403, $"The given token isn't allowed to upload to project '{project.Name}'.");
                var hasRole = await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == user.Id, ct);
                if (!hasRole)
                    throw new UploadException(403, $"The user '{user.Username}' isn't allowed to upload to project '{project.Name}'.");
                // As warehouse: a name that differs only in form updates the display name.
                if (project.Name != metadata.Name) project.Name = metadata.Name!;
            }

            var existing = await db.Files.AsNoTracking()
                .Where(f => f.Filename == filename.Filename || f.Blake2b256 == digests.Blake2b256)
                .FirstOrDefaultAsync(ct);
            if (existing is not null)
            {
                if (existing.Filename == filename.Filename && existing.Sha256 == digests.Sha256 && existing.Blake2b256 == digests.Blake2b256)
                    return UploadOutcome.AlreadyPresent; // identical re-upload: 200, nothing changes (transaction discarded)
                throw new UploadException(400, $"File already exists ('{filename.Filename}', with blake2_256 hash '{digests.Blake2b256}'). A filename can be used only once; upload under a new version.");
            }
            if (await db.FilenameRegistry.AnyAsync(r => r.Filename == filename.Filename, ct))
                throw new UploadException(400, "This filename was previously used by a file that has since been deleted. Use a different version.");

            if (project.TotalSize + form.Size > options.Limits.MaxProjectBytes)
                throw new UploadException(413, $"Project size too large. Limit for project '{project.Name}' total size is {UploadForm.FormatSize(options.Limits.MaxProjectBytes)}.");

            var canonical = version.ToString();
            var release = await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.CanonicalVersion == canonical, ct);
            if (release is null)
            {
                release = new Release
                {
                    Id = Guid.NewGuid(), ProjectId = project.Id, Version = metadata.Version!, CanonicalVersion = canonical,
                    IsPrerelease = version.IsPrerelease, Created = now, UploaderId = user.Id,
                };
                ReleaseMetadata.Apply(release, metadata);
                db.Releases.Add(release);
                journal.Record(project, release.Version, "new release", user.Id);
                await events.ProjectEventAsync(project.Id, EventTags.Project.ReleaseAdded, user.Id,
                    new { submitted_by = user.Username, canonical_version = canonical }, ct);
            }
            else if (packageType == "sdist" &&
                     await db.Files.AnyAsync(f => f.ReleaseId == release.Id && f.PackageType == "sdist", ct))
            {
                throw new UploadException(400, "Only one sdist may be uploaded per release.");
            }

            string? metadataSha256 = null;
            // From the first write on, a failure removes whatever part of the pair reached the store.
            stored = true;
            if (filename.Kind == DistributionKind.Wheel)
            {
                // PEP 658: serve the wheel's METADATA byte for byte beside the file.
                metadataSha256 = FileDigester.Of(contents.MetadataBytes).Sha256;
                await store.PutBytesAsync(path + ".metadata", contents.MetadataBytes, ct);
            }
            await store.PutAsync(path, form.TempFile!, ct);
            form.ReleaseTempFile();

            db.Files.Add(new ReleaseFile
            {
                Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = filename.Filename,
                PackageType = packageType, PythonVersion = pythonVersion, RequiresPython = release.RequiresPython,
                Size = form.Size, Md5 = digests.Md5, Sha256 = digests.Sha256, Blake2b256 = digests.Blake2b256,
                Path = path, UploadTime = now, UploaderId = user.Id, UploadedVia = Truncate(userAgent, 200),
                MetadataSha256 = metadataSha256,
            });
            db.FilenameRegistry.Add(new FilenameRegistration { Filename = filename.Filename, Registered = now });
            project.TotalSize += form.Size;
            journal.Record(project, release.Version, $"add {pythonVersion} file {filename.Filename}", user.Id);
            await events.ProjectEventAsync(project.Id, EventTags.File.Added, user.Id, new
            {
                filename = filename.Filename, submitted_by = user.Username, canonical_version = canonical,
                project_id = project.Id.ToString(), authenticated_by = who.How,
            }, ct);
            if (who.Token is not null)
                await events.UserEventAsync(user.Id, EventTags.Account.ApiTokenUsed, new
                {
                    token_id = who.Token.Id.ToString(), description = who.Token.Description,
                    project_name = project.Name, filename = filename.Filename,
                }, ct);

            user.LastLogin = now;
            if (who.Token is not null)
                await db.ApiTokens.Where(t => t.Id == who.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsed, now), ct);

            var touched = await journal.SaveAsync(ct);
            await tx.CommitAsync(ct);
            changes.Publish(touched);
            return UploadOutcome.Stored;
        }
        catch (Exception e)
        {
            if (stored) await RemoveOrphanAsync(path, filename.Kind == DistributionKind.Wheel);
            if (e is DbUpdateException)
            {
                log.LogWarning(e, "Upload of {Filename} lost a race with another change", LogText.Prefix(filename.Filename));
                throw new UploadException(409, "Another upload changed this project at the same moment; try again.");
            }
            throw;
        }
    }

    /// <summary>Removes a file stored by an upload whose commit failed, unless a concurrent identical
    /// upload committed a row for the same (content-addressed) path.</summary>
    private async Task RemoveOrphanAsync(string path, bool hasMetadata)
    {
        try
        {
            db.ChangeTracker.Clear();
            if (await db.Files.AnyAsync(f => f.Path == path)) return;
            await store.DeleteAsync(path, CancellationToken.None);
            if (hasMetadata) await store.DeleteAsync(path + ".metadata", CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not remove {Path} after a failed upload; it is referenced by no row", path);
        }
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    /// <summary>User text echoed in an error: no control characters, bounded length.</summary>
    private static string Printable(string s) =>
        new string(s.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
