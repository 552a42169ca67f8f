using System.Formats.Tar;
using System.Text.Json;
using Cheeseshop.Audit;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Backup;
using Cheeseshop.Index;
using Cheeseshop.Storage;

namespace Cheeseshop.Backup;

/// <summary>What a restore put in place.</summary>
public sealed record RestoreSummary(string Database, int Files, DateTimeOffset Created, DateTimeOffset DestroyAfter);

/// <summary>
/// `cheeseshop restore FILE --data-dir DIR`: every member is unpacked into a folder of its own under DIR/tmp
/// and hashed on the way, then compared with the manifest (Core's BackupRules.Verify); only a backup that
/// matches it in every member is put in place, so a damaged or altered one leaves DIR as it was. The
/// target must hold no index yet: no SQLite database, no stored files, and no different IP-hash key.
/// </summary>
public sealed class BackupRestorer(IFileStore store, CheeseshopOptions options, DataDirectory dataDir, Hosting.StepReporter steps)
{
    public async Task<RestoreSummary> RestoreAsync(string backupPath, CancellationToken ct)
    {
        if (!File.Exists(backupPath)) throw new AdminException($"{backupPath} does not exist.");
        var usesPostgres = !string.IsNullOrWhiteSpace(options.Database.PostgreSQL);
        if (!usesPostgres && File.Exists(dataDir.SqlitePath))
            throw new AdminException($"{dataDir.Root} holds an index already ({dataDir.SqlitePath}); restore into an empty data directory.");
        if (Directory.EnumerateFileSystemEntries(dataDir.FilesRoot).Any())
            throw new AdminException($"{dataDir.FilesRoot} holds files already; restore into an empty data directory.");
        var staging = Path.Combine(dataDir.TempRoot, $"restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var (manifest, found) = await UnpackAsync(backupPath, staging, ct);
            var problems = new List<string>();
            if (manifest is null) problems.Add("it has no manifest.json (not a Cheeseshop backup, or cut short)");
            else
            {
                problems.AddRange(BackupRules.Verify(manifest.Members, found, Required(manifest)));
                if (problems.Count == 0 && await HeaderAsync(backupPath, staging) is var header
                    && header != new BackupHeader(manifest.Format, manifest.Created, manifest.DestroyAfter, manifest.Database))
                    problems.Add("backup.json and manifest.json disagree (its dates or database were changed)");
            }
            if (problems.Count > 0)
                throw new AdminException($"{backupPath} does not match its manifest; nothing was restored:\n  " + string.Join("\n  ", problems));
            return await PlaceAsync(manifest!, staging, usesPostgres, ct);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<(BackupManifest? Manifest, List<BackupMember> Found)> UnpackAsync(string backupPath, string staging, CancellationToken ct)
    {
        BackupManifest? manifest = null;
        var found = new List<BackupMember>();
        try
        {
            await using var stream = File.OpenRead(backupPath);
            await using var tar = new TarReader(stream);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw new AdminException($"{backupPath}: '{entry.Name}' is not a plain file; nothing was restored.");
                if (entry.Name == BackupFormat.ManifestName)
                {
                    manifest = entry.DataStream is { } m ? await JsonSerializer.DeserializeAsync<BackupManifest>(m, BackupFormat.Json, ct) : null;
                    continue;
                }
                // An unsafe name is never written anywhere: it is counted, and Verify refuses the backup.
                var target = BackupRules.SafeName(entry.Name) ? Path.Combine(staging, entry.Name) : null;
                await using var hashing = new HashingStream(entry.DataStream ?? new MemoryStream());
                if (target is null) await hashing.CopyToAsync(Stream.Null, ct);
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await hashing.CopyToAsync(file, ct);
                    File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
                }
                found.Add(new BackupMember(entry.Name, hashing.BytesRead, hashing.Sha256()));
                steps.Report("read and verify", found.Count);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or FormatException)
        {
            throw new AdminException($"{backupPath} cannot be read as a backup ({e.Message}); nothing was restored.");
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new AdminException($"{backupPath} cannot be read as a backup ({e.Message}); nothing was restored.");
        }
        return (manifest, found);
    }

    /// <summary>The members a restore reads by name: the header, and the database of a SQLite backup.</summary>
    private static string[] Required(BackupManifest manifest) =>
        manifest.Database == "sqlite" ? [BackupFormat.HeaderName, BackupFormat.DatabaseName] : [BackupFormat.HeaderName];

    private static async Task<BackupHeader?> HeaderAsync(string backupPath, string staging)
    {
        try
        {
            await using var stream = File.OpenRead(Path.Combine(staging, BackupFormat.HeaderName));
            return await JsonSerializer.DeserializeAsync<BackupHeader>(stream, BackupFormat.Json);
        }
        catch (JsonException e)
        {
            throw new AdminException($"{backupPath} cannot be read as a backup ({BackupFormat.HeaderName}: {e.Message}); nothing was restored.");
        }
    }

    private async Task<RestoreSummary> PlaceAsync(BackupManifest manifest, string staging, bool usesPostgres, CancellationToken ct)
    {
        var sqlite = manifest.Database == "sqlite";
        if (sqlite && usesPostgres)
            throw new AdminException("This backup holds a SQLite database; restore it into a data directory without Database__PostgreSQL.");
        if (!sqlite && !usesPostgres)
            throw new AdminException("This backup is of a PostgreSQL index (its database is in pg_dump's file); set Database__PostgreSQL to the restored database first.");
        var keySource = Path.Combine(staging, BackupFormat.KeyName);
        var key = IpHashKey.PathOf(options, dataDir);
        if (File.Exists(keySource) && File.Exists(key) && !File.ReadAllBytes(key).AsSpan().SequenceEqual(File.ReadAllBytes(keySource)))
            throw new AdminException($"{key} holds a different IP-hash key; move it away to restore the backup's key.");

        var stored = manifest.Members.Where(m => m.Name.StartsWith(BackupFormat.FilesPrefix, StringComparison.Ordinal)).ToList();
        var files = 0;
        foreach (var member in stored)
        {
            steps.Report("files", files, stored.Count);
            await store.PutAsync(member.Name[BackupFormat.FilesPrefix.Length..], Path.Combine(staging, member.Name), ct);
            files++;
        }
        steps.Report("files", files, stored.Count);
        if (File.Exists(keySource) && !File.Exists(key))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(key)!);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keySource, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(keySource, key);
        }
        // The database last: until it is in place the directory holds no index a server would start on.
        if (sqlite) File.Move(Path.Combine(staging, BackupFormat.DatabaseName), dataDir.SqlitePath);
        if (sqlite) steps.Report("database");
        return new RestoreSummary(manifest.Database, files, manifest.Created, manifest.DestroyAfter);
    }
}
