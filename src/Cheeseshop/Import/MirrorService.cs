using System.CommandLine;
using System.Diagnostics;
using Cheeseshop.Auth;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Data;
using Cheeseshop.Hosting;
using Cheeseshop.Index;
using Cheeseshop.Upstream;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Import;

/// <summary>What a mirror run did: files copied, files held already, releases yanked, and each refusal with its reason.</summary>
public sealed record MirrorSummary(int Mirrored, int Skipped, int Yanked, IReadOnlyList<(string File, string Reason)> Refused);

/// <summary>A file to copy: the upstream's page entry and the upload time and yank reason the JSON API may add.</summary>
internal sealed record MirrorFile(string Project, UpstreamFile File, DateTime? UploadTime, string? YankedReason);

/// <summary>
/// `cheeseshop mirror URL [--project P ...] --owner USER`: copies projects from another index's Simple API
/// (read by the upstream proxy's own client and parser, PEP 691 JSON when offered, HTML otherwise). Each file is
/// downloaded, its SHA-256 checked against the page, and stored through the upload rules as `import` stores a
/// file (<see cref="ImportService.ImportFileAsync"/>), with the upstream's upload time; a release whose files are
/// all yanked there is yanked here with the same reason. Upload times and yank reasons the page does not give
/// (an HTML page) are read from the JSON API beside it (<c>../pypi/NAME/json</c>, as PyPI and Cheeseshop lay
/// it out) when it answers. Every file is one write of its own and files held already are skipped before they
/// are downloaded, so a run interrupted anywhere is resumed by running it again.
/// </summary>
public sealed class MirrorService(CheeseshopDb db, ImportService import, ReleaseAdmin releases, DataDirectory dataDir,
    CheeseshopOptions options, StepReporter steps)
{
    public async Task<MirrorSummary> MirrorAsync(string url, IReadOnlyList<string> only, string owner, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var index) || index.Scheme is not ("http" or "https") || index.UserInfo.Length > 0)
            throw new AdminException($"'{url}' is not the http(s) URL of a Simple API index (without credentials in it).");
        var who = await import.OwnerAsync(owner, ct);
        var upstream = new UpstreamOptions { Url = url, TimeoutSeconds = 600 };
        using var client = new UpstreamClient(upstream);
        var refused = new List<(string, string)>();
        var projects = only.Count > 0 ? only.Select(ProjectName.Normalize).Distinct().ToList() : await ListAsync(client, upstream.IndexUri(), ct);
        var files = await PagesAsync(client, upstream.IndexUri(), projects, refused, ct);
        var work = Path.Combine(dataDir.TempRoot, $"mirror-{Environment.ProcessId}");
        RemoveAbandonedDownloads();
        try
        {
            return await CopyAsync(who, client, files, work, refused, ct);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private async Task<MirrorSummary> CopyAsync(BasicIdentity who, UpstreamClient client, List<MirrorFile> files, string work,
        List<(string, string)> refused, CancellationToken ct)
    {
        int mirrored = 0, skipped = 0, yanked = 0, done = 0;
        foreach (var project in files.GroupBy(f => f.Project))
        {
            var names = project.Select(f => f.File.Filename).ToList();
            var held = await db.Files.AsNoTracking().Where(f => names.Contains(f.Filename))
                .ToDictionaryAsync(f => f.Filename, f => f.Sha256, StringComparer.Ordinal, ct);
            foreach (var file in project)
            {
                steps.Report("files", done++, files.Count);
                if (held.TryGetValue(file.File.Filename, out var sha))
                {
                    if (sha == file.File.Sha256) skipped++;
                    else refused.Add((file.File.Filename, $"this index holds a different file of that name (SHA-256 {sha})"));
                    continue;
                }
                var (verdict, reason) = await CopyFileAsync(client, who, file, work, ct);
                if (verdict == UploadVerdict.Accepted) mirrored++;
                else if (verdict == UploadVerdict.AlreadyPresent) skipped++;
                else refused.Add((file.File.Filename, reason));
            }
            yanked += await YankAsync(project.Key, project.ToList(), refused, ct);
        }
        steps.Report("files", files.Count, files.Count);
        return new MirrorSummary(mirrored, skipped, yanked, refused);
    }

    private async Task<(UploadVerdict, string)> CopyFileAsync(UpstreamClient client, BasicIdentity who, MirrorFile file, string work, CancellationToken ct)
    {
        Directory.CreateDirectory(work);
        var path = Path.Combine(work, file.File.Filename);
        try
        {
            await client.DownloadAsync(file.File.Url, file.File.Sha256, options.Limits.MaxFileBytes, path, ct);
            return await import.ImportFileAsync(who, path, file.UploadTime, ct);
        }
        catch (UpstreamException e)
        {
            return (UploadVerdict.BadRequest, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A release whose files the upstream lists as all yanked is yanked here, with the upstream's reason.</summary>
    private async Task<int> YankAsync(string project, List<MirrorFile> files, List<(string, string)> refused, CancellationToken ct)
    {
        var count = 0;
        foreach (var release in files.GroupBy(f => SimpleDetailPage.VersionOf(project, f.File.Filename)))
        {
            if (release.Key is null || !release.All(f => f.File.Yanked)) continue;
            try
            {
                await releases.YankAsync(project, release.Key.ToString(), release.Select(f => f.YankedReason).FirstOrDefault(r => r is not null), null, ct);
                count++;
            }
            // Yanked here already (a run resumed), or not here at all because its files were refused (listed already).
            catch (AdminException e) when (e.Status is 404 or 409) { }
            catch (AdminException e) { refused.Add(($"{project} {release.Key}", "not yanked: " + e.Message)); }
        }
        return count;
    }

    private static async Task<List<string>> ListAsync(UpstreamClient client, Uri index, CancellationToken ct)
    {
        try
        {
            var page = await client.GetOptionalAsync(index, UpstreamPageParser.Accept, ct)
                       ?? throw new AdminException($"{UpstreamRules.Public(index)} has no index page: name the projects with --project.");
            return UpstreamPageParser.ParseIndex(page.ContentType, page.Body).Select(ProjectName.Normalize).Distinct().ToList();
        }
        catch (Exception e) when (e is UpstreamPageException or UpstreamException)
        {
            throw new AdminException(e is UpstreamException ? e.Message : $"{UpstreamRules.Public(index)}: {e.Message}");
        }
    }

    private async Task<List<MirrorFile>> PagesAsync(UpstreamClient client, Uri index, List<string> projects, List<(string, string)> refused, CancellationToken ct)
    {
        var files = new List<MirrorFile>();
        for (var i = 0; i < projects.Count; i++)
        {
            steps.Report("pages", i, projects.Count);
            try
            {
                var page = await client.GetPageAsync(projects[i], ct);
                if (page is null)
                {
                    refused.Add((projects[i], $"{client.IndexForPeople} has no such project"));
                    continue;
                }
                var extra = page.Files.Any(f => f.UploadTime is null || (f.Yanked && f.YankedReason is null))
                    ? await JsonApiAsync(client, index, projects[i], ct) : null;
                files.AddRange(page.Files.Select(f => new MirrorFile(projects[i], f,
                    JsonApiFiles.Time(f.UploadTime) ?? extra?.GetValueOrDefault(f.Filename)?.UploadTime,
                    f.YankedReason ?? extra?.GetValueOrDefault(f.Filename)?.YankedReason)));
            }
            catch (UpstreamException e)
            {
                refused.Add((projects[i], e.Message));
            }
        }
        steps.Report("pages", projects.Count, projects.Count);
        return files;
    }

    /// <summary>The JSON API's facts of a project's files; none when the index has no JSON API there, or it
    /// fails: they only add to the page, which is what the copy rests on.</summary>
    private static async Task<IReadOnlyDictionary<string, JsonApiFile>?> JsonApiAsync(UpstreamClient client, Uri index, string project, CancellationToken ct)
    {
        try
        {
            var answer = await client.GetOptionalAsync(new Uri(index, $"../pypi/{project}/json"), "application/json", ct);
            return answer is { } a ? JsonApiFiles.Parse(a.Body) : null;
        }
        catch (UpstreamException)
        {
            return null;
        }
    }

    /// <summary>A run killed mid-download leaves its partial file in its own folder; the next run removes every
    /// such folder whose process is gone.</summary>
    private void RemoveAbandonedDownloads()
    {
        foreach (var dir in Directory.EnumerateDirectories(dataDir.TempRoot, "mirror-*"))
        {
            if (int.TryParse(Path.GetFileName(dir)["mirror-".Length..], out var pid) && pid != Environment.ProcessId && Alive(pid)) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
    }
}

public static class MirrorCommand
{
    public static Command Build()
    {
        var url = new Argument<string>("URL") { Description = "The other index's Simple API root, e.g. https://example.org/simple/" };
        var projects = new Option<string[]>("--project") { Description = "A project to copy (repeat it); every project the index lists when none is given" };
        var owner = new Option<string>("--owner") { Description = "The user who owns the projects the mirror creates", Required = true };
        var mirror = new Command("mirror", "Copy projects from another index (Simple API, JSON API) through the upload rules, keeping upload times and yanks; run again to resume")
            { url, projects, owner };
        mirror.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var summary = await CliProgress.RunAsync(sp, "mirror", () => sp.GetRequiredService<MirrorService>().MirrorAsync(
                parse.GetValue(url)!, parse.GetValue(projects) ?? [], parse.GetValue(owner)!, c));
            foreach (var (file, reason) in summary.Refused) Console.Error.WriteLine($"refused: {file}: {reason}");
            Console.Out.WriteLine($"{summary.Mirrored} mirrored, {summary.Skipped} already there, {summary.Yanked} yanked, {summary.Refused.Count} refused.");
            return summary.Refused.Count > 0 ? 1 : 0;
        }, ct));
        return mirror;
    }
}
