using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Disclosure;

/// <summary>A production that ended without finishing: where its package was going, what was left, and
/// whether it has been settled.</summary>
public sealed record InterruptedProduction(string Target, string Detail, bool Settled);

/// <summary>
/// Settles legal produces that ended without finishing (a crash, a kill, a power cut), so that a disclosure
/// package is either complete and recorded or absent. The producer records a package before it moves the
/// package into place, so the database says which way each one goes: an unfinished zip whose SHA-256 a
/// disclosure row of its request records is complete, and is moved into place; any other is removed, as
/// is every workspace. Runs when the server starts, before each produce, and under `fsck --repair`;
/// `fsck` alone reports what it would do. Productions still running (their note held) are left alone.
/// Unfinished zips and workspaces whose note is gone (a workspace that could not be removed when its
/// production ended, or one left by a build that kept no notes) are found by their names, in the folders
/// productions write into, and settled the same way; a production's note exists before its first file
/// and goes after its last, so a name whose note is missing belongs to no production that is running.
/// </summary>
public sealed class InterruptedProductions(CheeseshopDb db, DataDirectory dataDir, ILogger<InterruptedProductions> log)
{
    public async Task<IReadOnlyList<InterruptedProduction>> CheckAsync(bool settle, CancellationToken ct)
    {
        var folder = ProductionIntent.Folder(dataDir);
        if (!Directory.Exists(folder)) return [];
        var found = new List<InterruptedProduction>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var intent = ProductionIntent.TryClaim(path);
            if (intent is null) continue;
            InterruptedProduction outcome;
            try
            {
                outcome = await SettleAsync(intent, settle, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file or folder the note names cannot be read, moved or removed (its disk, its permissions):
                // reported for a person, and the note kept so a later attempt tries again.
                outcome = new InterruptedProduction(intent.Details?.Target ?? path,
                    $"a legal produce was interrupted, and what it left cannot be settled: {e.Message} (the note {path} says what it left)", false);
            }
            if (settle) log.LogWarning("Legal produce interrupted: {Target}: {Detail}", outcome.Target, outcome.Detail);
            found.Add(outcome);
        }
        foreach (var outcome in await LeftWithoutNoteAsync(settle, ct))
        {
            if (settle) log.LogWarning("Legal produce interrupted: {Target}: {Detail}", outcome.Target, outcome.Detail);
            found.Add(outcome);
        }
        return found;
    }

    private async Task<IReadOnlyList<InterruptedProduction>> LeftWithoutNoteAsync(bool settle, CancellationToken ct)
    {
        var found = new List<InterruptedProduction>();
        foreach (var folder in ProductionIntent.Folders(dataDir).Where(Directory.Exists))
        {
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*.partial-*").OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                // Only what a production makes: a zip that is a file, a workspace that is a folder, neither a link.
                if (!ProductionIntent.IsPartialName(entry.Name, out var targetName, out var token, out var zip)
                    || zip != (entry is FileInfo) || entry.LinkTarget is not null
                    || File.Exists(ProductionIntent.NoteOf(dataDir, token))) continue;
                var target = Path.Combine(folder, targetName);
                try
                {
                    found.Add(zip ? await SettleZipWithoutNoteAsync(entry.FullName, target, settle, ct) : SettleWorkspaceWithoutNote(entry.FullName, target, settle));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    found.Add(new InterruptedProduction(target, $"a legal produce left {entry.FullName} without a note, and it cannot be settled: {e.Message}", false));
                }
            }
        }
        return found;
    }

    private static InterruptedProduction SettleWorkspaceWithoutNote(string workspace, string target, bool settle)
    {
        if (settle) Directory.Delete(workspace, recursive: true);
        return new InterruptedProduction(target, $"a legal produce left its workspace {workspace} without a note" + (settle ? " (removed)" : "; --repair removes it"), settle);
    }

    /// <summary>Without its note the request is not known: a zip any disclosure records is a complete package.</summary>
    private async Task<InterruptedProduction> SettleZipWithoutNoteAsync(string zip, string target, bool settle, CancellationToken ct)
    {
        var sha256 = await Sha256Async(zip, ct);
        string what;
        if (!await db.Disclosures.AsNoTracking().AnyAsync(d => d.Sha256 == sha256, ct))
        {
            what = $"an unfinished package that was never recorded is left at {zip} without a note" + (settle ? " (removed)" : "; --repair removes it");
            if (settle) File.Delete(zip);
            return new InterruptedProduction(target, what, settle);
        }
        if (File.Exists(target))
            return new InterruptedProduction(target, $"the package recorded with sha256 {sha256} is complete at {zip}, without a note, " +
                "but another file is at the destination; move one of them by hand", false);
        what = $"the package recorded with sha256 {sha256} is complete but was not moved into place; it is at {zip} without a note" +
               (settle ? " (moved into place)" : "; --repair moves it into place");
        if (settle) File.Move(zip, target);
        return new InterruptedProduction(target, what, settle);
    }

    /// <summary>At server start: every production no process runs any more is settled before serving.</summary>
    public static async Task SettleAtStartAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InterruptedProductions>().CheckAsync(settle: true, CancellationToken.None);
    }

    private async Task<InterruptedProduction> SettleAsync(ProductionIntent intent, bool settle, CancellationToken ct)
    {
        if (intent.Details is not { } note)
        {
            if (settle) intent.Finish();
            return new InterruptedProduction(intent.NotePath, "a legal produce stopped while writing its note, before it wrote anything else", settle);
        }
        var what = $"legal request {note.RequestId}: ";
        var done = true;
        if (File.Exists(note.Zip))
        {
            var sha256 = await Sha256Async(note.Zip, ct);
            var recorded = await db.Disclosures.AsNoTracking().AnyAsync(d => d.LegalRequestId == note.RequestId && d.Sha256 == sha256, ct);
            if (!recorded)
            {
                what += $"an unfinished package that was never recorded is left at {note.Zip}" + (settle ? " (removed)" : "; --repair removes it");
                if (settle) File.Delete(note.Zip);
            }
            else if (!note.Force && File.Exists(note.Target))
            {
                what += $"the package recorded with sha256 {sha256} is complete at {note.Zip}, but another file has taken its place at the destination; move one of them by hand";
                done = false;
            }
            else
            {
                what += $"the package recorded with sha256 {sha256} is complete but was not moved into place; it is at {note.Zip}" + (settle ? " (moved into place)" : "; --repair moves it into place");
                if (settle) File.Move(note.Zip, note.Target, overwrite: note.Force);
            }
        }
        else
        {
            what += File.Exists(note.Target) ? "the package is in place; only the production's note was left" : "the production stopped before it wrote a package";
        }
        if (Directory.Exists(note.Workspace))
        {
            what += $"; its workspace {note.Workspace} is left" + (settle ? " (removed)" : "; --repair removes it");
            if (settle) Directory.Delete(note.Workspace, recursive: true);
        }
        if (settle && done) intent.Finish();
        return new InterruptedProduction(note.Target, what, settle && done);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct));
    }
}
