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
        return found;
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
