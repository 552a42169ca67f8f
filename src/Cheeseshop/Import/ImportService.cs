using System.CommandLine;
using Cheeseshop.Accounts;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;
using Cheeseshop.Data;
using Cheeseshop.Hosting;
using Cheeseshop.Index;
using Cheeseshop.Upload;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Import;

/// <summary>What an import did: files added, files the index held already, and each refusal with its reason.</summary>
public sealed record ImportSummary(int Imported, int Skipped, IReadOnlyList<(string File, string Reason)> Refused);

/// <summary>
/// `cheeseshop import DIR --owner USER`: a folder of distribution files (a pypiserver or bandersnatch
/// folder, searched recursively) loaded through the upload path itself, as twine would send each file:
/// the form is the archive's own metadata and the SHA-256 read from the file, so every rule of an upload
/// applies (names, versions, archive checks, one sdist per release, size limits), new projects are
/// owned by USER, and the file's modification time is its upload time. A file the index holds already
/// is skipped, so an interrupted import is run again as it was.
/// </summary>
public sealed class ImportService(CheeseshopDb db, UploadService uploads, CheeseshopOptions options, DataDirectory dataDir, StepReporter steps)
{
    public async Task<ImportSummary> ImportAsync(string folder, string owner, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) throw new AdminException($"{folder} is not a folder.");
        var who = await OwnerAsync(owner, ct);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => DistributionFilename.AcceptedExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToList();
        int imported = 0, skipped = 0;
        var refused = new List<(string, string)>();
        for (var i = 0; i < files.Count; i++)
        {
            steps.Report("files", i, files.Count);
            var (verdict, reason) = await ImportFileAsync(who, files[i], File.GetLastWriteTimeUtc(files[i]), ct);
            if (verdict == UploadVerdict.Accepted) imported++;
            else if (verdict == UploadVerdict.AlreadyPresent) skipped++;
            else refused.Add((Path.GetRelativePath(folder, files[i]), reason));
        }
        steps.Report("files", files.Count, files.Count);
        return new ImportSummary(imported, skipped, refused);
    }

    /// <summary>The user new projects are owned by, acting as an upload would.</summary>
    public async Task<BasicIdentity> OwnerAsync(string owner, CancellationToken ct)
    {
        var user = await db.FindLiveUserAsync(owner, ct)
                   ?? throw new AdminException($"There is no user '{owner}'; create the account first (`cheeseshop users create`).");
        return new BasicIdentity(user, null);
    }

    /// <summary>One distribution file, named as its distribution, through the upload rules with <paramref name="uploadTime"/>
    /// as its upload time (now when null).</summary>
    public async Task<(UploadVerdict Verdict, string Reason)> ImportFileAsync(BasicIdentity who, string path, DateTime? uploadTime, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        if (!DistributionFilename.TryParse(name, null, out var filename, out var error))
            return (UploadVerdict.BadRequest, error ?? "not a distribution filename");
        UploadForm form;
        try
        {
            DistributionContents contents;
            await using (var archive = File.OpenRead(path))
                contents = DistributionReader.Read(archive, filename!,
                    new ArchiveLimits(options.Limits.MaxArchiveEntries, options.Limits.MaxMetadataBytes, options.Limits.MaxCompressionRatio));
            // The copy into the temporary folder hashes the file on the way, so the digest the form carries is
            // the one of the bytes stored, and the file is read once.
            form = await UploadForm.FromFileAsync(path, Fields(filename!, contents), dataDir.TempRoot, options.Limits.MaxFileBytes, ct);
            form.Fields.Add(new("sha256_digest", form.Digests!.Sha256));
        }
        catch (InvalidDistributionException e)
        {
            return (UploadVerdict.BadRequest, "Invalid distribution file. " + e.Message);
        }
        catch (UploadException e)
        {
            return (e.Decision.Verdict, e.Decision.Message);
        }
        // A file that cannot be read (its permissions, a disk error) is refused by name; the rest of the folder goes on.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (UploadVerdict.BadRequest, "cannot read: " + e.Message);
        }
        using (form)
        {
            try
            {
                var decision = await uploads.UploadAsync(who, form, "file_upload", "cheeseshop-import", ct, uploadTime);
                return (decision.Verdict, decision.Message);
            }
            catch (UploadException e)
            {
                return (e.Decision.Verdict, e.Decision.Message);
            }
        }
    }

    /// <summary>The form twine sends: the archive's metadata fields and the file type; the caller adds the digest
    /// of the copy it uploads.</summary>
    private static List<KeyValuePair<string, string>> Fields(DistributionFilename filename, DistributionContents contents)
    {
        var wheel = filename.Kind == DistributionKind.Wheel;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("protocol_version", "1"),
            new("filetype", wheel ? "bdist_wheel" : "sdist"),
            new("pyversion", wheel ? string.Join(".", filename.PythonTags) : "source"),
        };
        fields.AddRange(contents.Metadata.ToFormFields());
        return fields;
    }
}

public static class ImportCommand
{
    public static Command Build()
    {
        var folder = new Argument<string>("DIR") { Description = "A folder of wheels and sdists (searched recursively)" };
        var owner = new Option<string>("--owner") { Description = "The user who owns the projects the import creates", Required = true };
        var import = new Command("import", "Load a folder of distribution files (pypiserver, bandersnatch) through the upload rules, keeping file times") { folder, owner };
        import.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var summary = await CliProgress.RunAsync(sp, "import",
                () => sp.GetRequiredService<ImportService>().ImportAsync(parse.GetValue(folder)!, parse.GetValue(owner)!, c));
            foreach (var (file, reason) in summary.Refused) Console.Error.WriteLine($"refused: {file}: {reason}");
            Console.Out.WriteLine($"{summary.Imported} imported, {summary.Skipped} already there, {summary.Refused.Count} refused.");
            return summary.Refused.Count > 0 ? 1 : 0;
        }, ct));
        return import;
    }
}
