using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Cheeseshop.Projects;
using Cheeseshop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Upload;

/// <summary>
/// An upload: gathers the facts the upload rules (<see cref="UploadRules"/>) decide on, from the request,
/// the archive and the index, and carries out an accepted one as one change to the index. Nothing is
/// written until every rule passed; the file is put in the store just before the commit and removed again
/// if the commit fails, so a refused or failed upload leaves no file and no row.
/// </summary>
public sealed class UploadService(
    CheeseshopDb db, IFileStore store, CheeseshopOptions options, ProjectsOptions projects, TimeProvider clock,
    IndexWriter writer, EventRecorder events, ProjectCreator creator, ILogger<UploadService> log)
{
    /// <param name="uploadTime">When the file counts as uploaded: now, unless an import keeps the time a file
    /// had on another index.</param>
    public async Task<UploadDecision> UploadAsync(BasicIdentity who, UploadForm form, string? action, string? userAgent, CancellationToken ct,
        DateTime? uploadTime = null)
    {
        var request = new UploadRequest(action, form.Fields, form.ContentFilename, form.ContentType,
            form.TempFile is null ? null : form.Digests, form.Size);
        var decision = UploadRules.CheckRequest(request, out var candidate);
        if (candidate is null) return decision;
        var (archiveProblem, contents) = ReadArchive(form, candidate.Filename);
        if (archiveProblem is not null) return archiveProblem;
        decision = UploadRules.CheckContents(candidate, contents!);
        if (!decision.Succeeded) return decision;
        try
        {
            return await writer.ChangeAsync(change => StoreAsync(change, who, form, candidate, contents!, userAgent, uploadTime, ct), ct);
        }
        catch (DbUpdateException e)
        {
            log.LogWarning(e, "Upload of {Filename} lost a race with another change", LogText.Prefix(candidate.Filename.Filename));
            return UploadDecision.Conflict("Another upload changed this project at the same moment; try again.");
        }
    }

    private (UploadDecision? Problem, DistributionContents? Contents) ReadArchive(UploadForm form, DistributionFilename filename)
    {
        var limits = new ArchiveLimits(options.Limits.MaxArchiveEntries, options.Limits.MaxMetadataBytes, options.Limits.MaxCompressionRatio);
        using var file = File.OpenRead(form.TempFile!);
        try
        {
            return (null, DistributionReader.Read(file, filename, limits));
        }
        catch (InvalidDistributionException e)
        {
            return (UploadRules.InvalidDistribution(e.Message), null);
        }
    }

    /// <summary>Inside the write transaction: the facts, the decision on them, and for an accepted upload
    /// its rows, journal, events and file. Anything but acceptance discards the change.</summary>
    private async Task<UploadDecision> StoreAsync(IndexChange change, BasicIdentity who, UploadForm form, UploadCandidate candidate,
        DistributionContents contents, string? userAgent, DateTime? uploadTime, CancellationToken ct)
    {
        var user = await db.Users.SingleAsync(u => u.Id == who.User.Id, ct);
        var normalized = ProjectName.Normalize(candidate.Name);
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        var canonical = candidate.Version.ToString();
        var release = project is null ? null
            : await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.CanonicalVersion == canonical, ct);

        var facts = await FactsAsync(who, user, project, release, candidate, normalized, ct);
        var decision = UploadRules.CheckPlacement(candidate, facts, options.Limits.MaxProjectBytes);
        if (decision.Verdict != UploadVerdict.Accepted)
        {
            change.Discard();
            return decision;
        }

        var now = uploadTime ?? clock.GetUtcNow().UtcDateTime;
        project ??= await CreateProjectAsync(change, user, candidate, now, ct);
        // As warehouse: a name that differs only in form updates the display name.
        if (project.Name != candidate.Name) project.Name = candidate.Name;
        release ??= await AddReleaseAsync(change, user, project, candidate, now, ct);
        var (path, metadataSha256) = await PutFilesAsync(change, form, candidate, contents, ct);
        db.Files.Add(new ReleaseFile
        {
            Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = candidate.Filename.Filename,
            PackageType = candidate.PackageType, PythonVersion = candidate.PythonVersion, RequiresPython = release.RequiresPython,
            Size = candidate.Size, Md5 = candidate.Digests.Md5, Sha256 = candidate.Digests.Sha256, Blake2b256 = candidate.Digests.Blake2b256,
            Path = path, UploadTime = now, UploaderId = user.Id, UploadedVia = Truncate(userAgent, 200),
            MetadataSha256 = metadataSha256,
        });
        db.FilenameRegistry.Add(new FilenameRegistration { Filename = candidate.Filename.Filename, Registered = now });
        project.TotalSize += candidate.Size;
        change.Journal(project, release.Version, $"add {candidate.PythonVersion} file {candidate.Filename.Filename}", user.Id);
        await RecordUseAsync(who, user, project, candidate, now, ct);
        return decision;
    }

    private async Task<IndexFacts> FactsAsync(BasicIdentity who, User user, Project? project, Release? release,
        UploadCandidate candidate, string normalized, CancellationToken ct)
    {
        var filename = candidate.Filename.Filename;
        var blake2 = candidate.Digests.Blake2b256;
        var hasRole = project is not null && await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == user.Id, ct);
        var existing = await db.Files.AsNoTracking()
            .Where(f => f.Filename == filename || f.Blake2b256 == blake2)
            .Select(f => new ExistingFile(f.Filename, f.Sha256, f.Blake2b256))
            .FirstOrDefaultAsync(ct);
        var usedBefore = await db.FilenameRegistry.AnyAsync(r => r.Filename == filename, ct);
        var hasSdist = release is not null && await db.Files.AnyAsync(f => f.ReleaseId == release.Id && f.PackageType == "sdist", ct);
        return new IndexFacts(
            project is null ? null : new ExistingProject(project.Id, project.Name, project.TotalSize),
            await TrustedPublishing.PublisherService.TokenProjectsAsync(db, who.Token, ct), user.Username, hasRole, existing, usedBefore, hasSdist,
            project is null ? await CreationFactsAsync(user, normalized, ct) : new CreationFacts(projects.Create, user.IsAdmin, true, false));
    }

    /// <summary>Read only for an upload that would create its project: an existing one never asks.</summary>
    private async Task<CreationFacts> CreationFactsAsync(User user, string normalized, CancellationToken ct) => new(
        projects.Create, user.IsAdmin,
        await db.UserEmails.AnyAsync(e => e.UserId == user.Id && e.IsPrimary && e.IsVerified, ct),
        await db.ProhibitedProjectNames.AnyAsync(p => p.Name == normalized, ct));

    private Task<Project> CreateProjectAsync(IndexChange change, User user, UploadCandidate candidate, DateTime now, CancellationToken ct) =>
        creator.CreateAsync(change, candidate.Name, ProjectName.Normalize(candidate.Name), user, user.Id, user.Username, now, null, ct);

    /// <summary>A new release takes its metadata from its first file's form, as on warehouse.</summary>
    private async Task<Release> AddReleaseAsync(IndexChange change, User user, Project project, UploadCandidate candidate, DateTime now, CancellationToken ct)
    {
        var canonical = candidate.Version.ToString();
        var release = new Release
        {
            Id = Guid.NewGuid(), ProjectId = project.Id, Version = candidate.Metadata.Version!, CanonicalVersion = canonical,
            IsPrerelease = candidate.Version.IsPrerelease, Created = now, UploaderId = user.Id,
        };
        ReleaseMetadata.Apply(release, candidate.Metadata);
        db.Releases.Add(release);
        change.Journal(project, release.Version, "new release", user.Id);
        await events.ProjectEventAsync(project.Id, EventTags.Project.ReleaseAdded, user.Id,
            new { submitted_by = user.Username, canonical_version = canonical }, ct);
        return release;
    }

    /// <summary>Puts the file (and a wheel's METADATA, served byte for byte beside it for PEP 658) in the
    /// store. From the first write on, a change that does not commit removes whatever part reached the store.</summary>
    private async Task<(string Path, string? MetadataSha256)> PutFilesAsync(IndexChange change, UploadForm form, UploadCandidate candidate,
        DistributionContents contents, CancellationToken ct)
    {
        var path = candidate.Digests.StoragePath(candidate.Filename.Filename);
        var isWheel = candidate.Filename.Kind == DistributionKind.Wheel;
        change.OnRollback(() => RemoveOrphanAsync(path, isWheel));
        string? metadataSha256 = null;
        if (isWheel)
        {
            metadataSha256 = FileDigester.Of(contents.MetadataBytes).Sha256;
            await store.PutBytesAsync(path + ".metadata", contents.MetadataBytes, ct);
        }
        await store.PutAsync(path, form.TempFile!, ct);
        form.ReleaseTempFile();
        return (path, metadataSha256);
    }

    /// <summary>The events of an upload, and the uploader's and token's last use.</summary>
    private async Task RecordUseAsync(BasicIdentity who, User user, Project project, UploadCandidate candidate, DateTime now, CancellationToken ct)
    {
        var filename = candidate.Filename.Filename;
        var details = new Dictionary<string, object?>
        {
            ["filename"] = filename, ["submitted_by"] = user.Username, ["canonical_version"] = candidate.Version.ToString(),
            ["project_id"] = project.Id.ToString(), ["authenticated_by"] = who.How,
        };
        // An upload through a minted token names the trusted publisher that made it.
        if (who.Token?.PublisherId is { } publisherId
            && await db.TrustedPublishers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == publisherId, ct) is { } publisher)
            details["publisher"] = TrustedPublishing.PublisherService.SpecOf(publisher).Display;
        await events.ProjectEventAsync(project.Id, EventTags.File.Added, user.Id, details, ct);
        if (who.Token is not null)
            await events.UserEventAsync(user.Id, EventTags.Account.ApiTokenUsed, new
            {
                token_id = who.Token.Id.ToString(), description = who.Token.Description,
                project_name = project.Name, filename,
            }, ct);

        user.LastLogin = now;
        if (who.Token is not null)
            await db.ApiTokens.Where(t => t.Id == who.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsed, now), ct);
    }

    /// <summary>Removes a file stored by an upload whose commit failed, unless a concurrent identical
    /// upload committed a row for the same (content-addressed) path.</summary>
    private async Task RemoveOrphanAsync(string path, bool hasMetadata)
    {
        try
        {
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
}
