using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cheeseshop.Accounts;
using Cheeseshop.Core;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>A package written and recorded.</summary>
public sealed record ProductionResult(long RequestId, long DisclosureId, string Path, string Sha256, long Bytes, DateTime ProducedAt,
    IReadOnlyDictionary<string, SortedDictionary<string, long>> Counts);

/// <summary>
/// Produces a request's disclosure package: for every subject, the nine categories in order (the ones
/// not requested say so and hold no files), written table by table while the rows stream from one
/// consistent snapshot of the database; then report.html, then manifest.json (which lists every file's
/// SHA-256), all zipped deterministically. The zip is written beside --out under another name; once it is
/// complete on disk, the disclosure (who, when, the zip's SHA-256, categories and row counts) is recorded
/// with its audit row in one transaction, and only then is the zip moved into place. A package is thus
/// never in place unrecorded, and a crash between the record and the move leaves a complete zip whose
/// record says where it goes: a note in the data directory (<see cref="ProductionIntent"/>) lets
/// <see cref="InterruptedProductions"/> finish that move, or remove what was never recorded, at the next
/// start, produce or `fsck --repair`. Nothing is left behind on a failure the process survives.
/// </summary>
public sealed class DisclosureProducer(
    CheeseshopDb db, IEnumerable<ICategoryGenerator> generators, RetentionService retention, DisclosureOptions options,
    AccountLinks links, LegalAudit audit, TimeProvider clock, Hosting.StepReporter steps, InterruptedProductions interrupted,
    Configuration.DataDirectory dataDir, ILogger<DisclosureProducer> log)
{
    /// <summary>Checks --out before any work: its folder must exist, and an existing file needs --force.</summary>
    public static string CheckOutPath(string? outPath, bool force)
    {
        if (string.IsNullOrWhiteSpace(outPath)) throw new DisclosureInputException("--out FILE.zip is required.");
        string full;
        try { full = Path.GetFullPath(outPath); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DisclosureInputException($"--out '{outPath}' is not a usable path: {e.Message}");
        }
        var folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder)) throw new DisclosureInputException($"--out {outPath}: the folder {folder} does not exist.");
        if (Directory.Exists(full)) throw new DisclosureInputException($"--out {outPath} is a folder; name the zip file to write.");
        if (ProductionIntent.IsPartialName(Path.GetFileName(full), out _, out _, out _))
            throw new DisclosureInputException($"--out {outPath}: a name ending in .partial- and twelve hexadecimal digits (and .zip) is what an unfinished package is called, and such files are removed; choose another name.");
        if (File.Exists(full) && !force) throw new DisclosureInputException($"--out {outPath} already exists; pass --force to replace it.");
        return full;
    }

    /// <param name="collectYoungOften">
    /// For a one-off command (the CLI verb): a young-generation collection every 50 ms while rows stream.
    /// The server collector lets each of its heaps fill a budget of tens of MB before collecting, every
    /// new byte of which is memory touched; collected often, the young objects reuse the same few MB,
    /// which keeps the command's peak memory down without slowing it (docs/performance.md, Disclosure).
    /// Not for the server, whose other requests such collections would pause.
    /// </param>
    public async Task<ProductionResult> ProduceAsync(long requestId, string outPath, DateTime? asOf, bool force, string actor, CancellationToken ct,
        bool collectYoungOften = false)
    {
        var full = CheckOutPath(outPath, force);
        var request = await LoadProducibleAsync(requestId, ct);

        // Microseconds, as PostgreSQL keeps them: the recorded time then reproduces the same package.
        var now = asOf ?? clock.GetUtcNow().UtcDateTime;
        var producedAt = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        var requested = Core.Disclosure.Categories.Split(request.Categories);

        using var youngCollections = collectYoungOften
            ? new Timer(_ => GC.Collect(0, GCCollectionMode.Forced, blocking: true), null, 50, 50)
            : null;
        // Earlier productions that a crash ended are settled first: one of them may be this destination's.
        await interrupted.CheckAsync(settle: true, ct);
        var intent = ProductionIntent.Begin(dataDir, request.Id, full, force);
        var note = intent.Details!;
        var stage = Stage.Writing;
        try
        {
            DisclosureRecord record;
            SortedDictionary<string, SortedDictionary<string, long>> counts;
            using (var workspace = new PackageWorkspace(note.Workspace))
            {
                (var subjects, counts) = await GenerateAsync(request, requested, producedAt, workspace, ct);
                var manifest = new DisclosureManifest(
                    new ManifestRequest(request.Id, request.Kind, request.Authority, request.Reference, request.Received, request.Due,
                        request.ScopeFrom, request.ScopeTo, requested),
                    producedAt, options.InstanceName, links.Absolute("/"), subjects, null);
                var reportFile = Path.Combine(workspace.Root, "report.html");
                manifest = manifest with { Report = new PackageFile("report.html", WriteReport(reportFile, manifest, workspace), 0) };
                var (sha256, bytes) = await WriteZipAsync(note.Zip, producedAt, manifest, reportFile, workspace);
                record = new DisclosureRecord
                {
                    LegalRequestId = request.Id, ProducedAt = producedAt, RecordedAt = clock.GetUtcNow().UtcDateTime, ProducedBy = actor,
                    Sha256 = sha256, Bytes = bytes, FileName = Path.GetFileName(full), Categories = Core.Disclosure.Categories.Join(requested),
                    CountsJson = JsonSerializer.Serialize(counts),
                };
            }
            stage = Stage.Recording;
            await RecordAsync(record, actor, counts, ct);
            stage = Stage.Recorded;
            File.Move(note.Zip, full, overwrite: force);
            stage = Stage.Placed;
            intent.Finish();
            log.LogInformation("Produced the package of legal request {Request}: {Bytes} bytes, sha256 {Sha256}", request.Id, record.Bytes, record.Sha256);
            return new ProductionResult(request.Id, record.Id, full, record.Sha256, record.Bytes, producedAt, counts);
        }
        finally
        {
            await EndAsync(intent, stage);
        }
    }

    private enum Stage { Writing, Recording, Recorded, Placed }

    /// <summary>Before the record was attempted nothing is recorded, so what was written goes. After, the
    /// database alone knows whether the record committed: the note is let go and settled by what it says.</summary>
    private async Task EndAsync(ProductionIntent intent, Stage stage)
    {
        if (stage == Stage.Placed) return;
        if (stage == Stage.Writing)
        {
            if (File.Exists(intent.Details!.Zip)) File.Delete(intent.Details.Zip);
            intent.Finish();
            return;
        }
        intent.Dispose();
        try
        {
            await interrupted.CheckAsync(settle: true, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "A package of legal request {Request} was left unsettled; the next start, produce or `cheeseshop fsck --repair` settles it",
                intent.Details!.RequestId);
        }
    }

    private async Task<LegalRequest> LoadProducibleAsync(long requestId, CancellationToken ct)
    {
        var request = await db.LegalRequests.AsNoTracking().Include(r => r.Subjects).FirstOrDefaultAsync(r => r.Id == requestId, ct)
                      ?? throw new DisclosureInputException($"There is no legal request {requestId}.");
        if (!RequestKinds.Produces(request.Kind))
            throw new DisclosureInputException($"Request {requestId} is a preservation request: it holds the subjects' records and produces nothing. Record the demand that follows it as a new request.");
        if (request.ClosedAt is { } closedAt)
            throw new DisclosureInputException($"Request {requestId} was closed on {LegalDates.Short(closedAt)}: its holds are released, so it can no longer be produced. Record a new request.");
        return request;
    }

    /// <summary>Every subject's categories, generated from one read snapshot so that the tables agree
    /// with each other.</summary>
    private async Task<(List<ManifestSubject> Subjects, SortedDictionary<string, SortedDictionary<string, long>> Counts)> GenerateAsync(
        LegalRequest request, IReadOnlyCollection<string> requested, DateTime producedAt, PackageWorkspace workspace, CancellationToken ct)
    {
        var all = generators.ToList();
        OnePerKey.Require(Core.Disclosure.Categories.Keys, all.Select(g => g.Key), "disclosure category", "generator");
        var byKey = all.ToDictionary(g => g.Key);
        var windows = RetentionWindows.From(retention.Rules);
        var subjects = new List<ManifestSubject>();
        var counts = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        await using var snapshot = await db.BeginSnapshotAsync(ct);
        var index = 0;
        foreach (var subject in request.Subjects.OrderBy(s => s.Id))
        {
            steps.Report("subjects", index, request.Subjects.Count);
            var folder = $"subjects/{++index:D2}-{subject.Username}";
            var user = subject.UserId is { } id ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) : null;
            var rows = counts[subject.Username] = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var scope = user is null ? null : await SubjectScope.LoadAsync(db, user, request.ScopeFrom, request.ScopeTo, producedAt, windows, ct);
            var categories = new List<ManifestCategory>();
            foreach (var category in Core.Disclosure.Categories.All)
                categories.Add(await CategoryAsync(category, subject.Username, folder, scope, requested, byKey, rows, workspace, ct));
            subjects.Add(new ManifestSubject(subject.Username, subject.UserId, folder, categories));
        }
        await snapshot.CommitAsync(ct);
        steps.Report("subjects", index, request.Subjects.Count);
        return (subjects, counts);
    }

    private static async Task<ManifestCategory> CategoryAsync(
        DisclosureCategory category, string username, string folder, SubjectScope? scope, IReadOnlyCollection<string> requested,
        Dictionary<string, ICategoryGenerator> generators, SortedDictionary<string, long> rows, PackageWorkspace workspace, CancellationToken ct)
    {
        if (!requested.Contains(category.Key))
            return new ManifestCategory(category, false, false, CategoryStatements.NotRequested, []);
        if (scope is null)
        {
            rows[category.Key] = 0;
            return new ManifestCategory(category, true, false,
                $"Nothing is held: the account '{username}' was erased after the request was recorded, as no legal hold kept it.", []);
        }
        var outcome = await generators[category.Key].GenerateAsync(scope, workspace.For(folder, category), ct);
        var tables = workspace.Tables.GetValueOrDefault((folder, category.Key)) ?? [];
        rows[category.Key] = tables.Sum(t => t.Rows);
        return new ManifestCategory(category, true, outcome.Held, outcome.Statement, tables.SelectMany(t => new[] { t.Csv, t.Json }).ToList());
    }

    /// <summary>Writes the human-readable report and returns its SHA-256, which the manifest states.</summary>
    private static string WriteReport(string reportFile, DisclosureManifest manifest, PackageWorkspace workspace)
    {
        using var file = File.Create(reportFile);
        using var hashing = new HashingStream(file, leaveOpen: true);
        using (var text = new StreamWriter(hashing, new UTF8Encoding(false), 65536, leaveOpen: true))
            DisclosureReportHtml.Write(text, manifest, workspace.Tables);
        return hashing.Sha256Hex;
    }

    private static async Task<(string Sha256, long Bytes)> WriteZipAsync(
        string zipTemp, DateTime producedAt, DisclosureManifest manifest, string reportFile, PackageWorkspace workspace)
    {
        using var file = File.Create(zipTemp);
        using var hashing = new HashingStream(file, leaveOpen: true);
        using (var zip = new DeterministicZipWriter(hashing, producedAt))
        {
            zip.Add("manifest.json", manifest.ToJson());
            using (var report = File.OpenRead(reportFile)) zip.Add("report.html", report);
            foreach (var (pathInZip, tableFile, deflating) in workspace.Entries)
            {
                var deflated = await deflating;
                using var compressed = File.OpenRead(tableFile + ".deflate");
                zip.AddDeflated(pathInZip, deflated, compressed);
            }
            zip.Finish();
        }
        file.Flush(flushToDisk: true);
        return (hashing.Sha256Hex, hashing.BytesWritten);
    }

    /// <summary>The record and its audit row commit together.</summary>
    private async Task RecordAsync(DisclosureRecord record, string actor,
        SortedDictionary<string, SortedDictionary<string, long>> counts, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Disclosures.Add(record);
        await db.SaveChangesAsync(ct);
        audit.Add(actor, "legal.produce", record.LegalRequestId, new
        {
            disclosure_id = record.Id, sha256 = record.Sha256, bytes = record.Bytes, file = record.FileName,
            produced_at = LegalDates.Instant(record.ProducedAt), categories = record.Categories, rows = counts,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
