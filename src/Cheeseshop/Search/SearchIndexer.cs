using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Search;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Upload;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Search;

/// <summary>
/// Keeps each project's search document equal to its latest release (Core's <see cref="SearchRanking.ChooseRelease{T}"/>).
/// Index/IndexChange calls it inside the write transaction of every change to releases or files, after the
/// change's rows are saved, so the search sees an upload, yank or removal exactly when the Simple API does:
/// both commit, or neither.
/// </summary>
public static class SearchIndexer
{
    public static async Task RefreshAsync(CheeseshopDb db, IReadOnlyCollection<Guid> projectIds, CancellationToken ct)
    {
        foreach (var id in projectIds) await RefreshOneAsync(db, id, ct);
        await db.SaveChangesAsync(ct);
    }

    private static async Task RefreshOneAsync(CheeseshopDb db, Guid projectId, CancellationToken ct)
    {
        var candidates = await db.Releases.AsNoTracking().Where(r => r.ProjectId == projectId && !r.Yanked)
            .Select(r => new Candidate(r.Id, r.CanonicalVersion, db.Files.Any(f => f.ReleaseId == r.Id)))
            .ToListAsync(ct);
        var chosen = SearchRanking.ChooseRelease(candidates, c => PackageVersion.Parse(c.CanonicalVersion), _ => false, c => c.HasFiles);
        var document = await db.SearchDocuments.FirstOrDefaultAsync(d => d.ProjectId == projectId, ct);
        var keys = await db.SearchClassifiers.Where(c => c.ProjectId == projectId).ToListAsync(ct);
        if (chosen is null)
        {
            if (document is not null) db.SearchDocuments.Remove(document);
            db.SearchClassifiers.RemoveRange(keys);
            return;
        }
        var release = await db.Releases.AsNoTracking().Include(r => r.Project).FirstAsync(r => r.Id == chosen.Id, ct);
        if (document is null)
        {
            document = new SearchDocument { ProjectId = projectId, Name = "", NormalizedName = "", Version = "" };
            db.SearchDocuments.Add(document);
        }
        Fill(document, release);
        var wanted = SearchRanking.ClassifierKeys(ReleaseMetadata.ReadMulti(release).GetValueOrDefault("Classifier") ?? []);
        document.ClassifierTerms = wanted.Count == 0 ? null : SearchRanking.ClassifierTerms(wanted);
        db.SearchClassifiers.RemoveRange(keys.Where(k => !wanted.Contains(k.Classifier)));
        foreach (var key in wanted.Where(w => keys.All(k => k.Classifier != w)))
            db.SearchClassifiers.Add(new SearchClassifier { Classifier = key, ProjectId = projectId });
    }

    /// <summary>Sets a document from a release (with its project loaded).</summary>
    private static void Fill(SearchDocument document, Release release)
    {
        document.ProjectId = release.ProjectId;
        document.Name = release.Project!.Name;
        document.NormalizedName = release.Project.NormalizedName;
        document.Version = release.Version;
        document.Summary = release.Summary;
        document.Keywords = release.Keywords;
        document.Description = release.Description is { Length: > SearchRanking.IndexedDescriptionChars } d
            ? d[..SearchRanking.IndexedDescriptionChars] : release.Description;
        document.Created = release.Created;
    }

    /// <summary>Writes the documents of every project, for a database that had releases before search existed.
    /// Runs once, right after the migration that adds search.</summary>
    public static async Task RebuildAllAsync(CheeseshopDb db, CancellationToken ct)
    {
        var ids = await db.Projects.AsNoTracking().Select(p => p.Id).ToListAsync(ct);
        foreach (var batch in ids.Chunk(500))
        {
            await RefreshAsync(db, batch, ct);
            db.ChangeTracker.Clear();
        }
    }

    private sealed record Candidate(Guid Id, string CanonicalVersion, bool HasFiles);
}
