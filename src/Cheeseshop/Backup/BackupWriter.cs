using System.Formats.Tar;
using System.Text.Json;
using Cheeseshop.Audit;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Backup;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Storage;

namespace Cheeseshop.Backup;

/// <summary>What a finished backup holds.</summary>
public sealed record BackupSummary(string Path, string Database, int Files, long Bytes, IReadOnlyList<string> Missing, DateTimeOffset DestroyAfter);

/// <summary>
/// `cheeseshop backup --out FILE`, while the server runs. The database first (SQLite: a VACUUM INTO
/// snapshot, consistent at one instant), then the stored files listed after it: a file is written to the
/// store before the row that names it is committed, and never changed, so every row of the snapshot finds
/// its file (unless removed meanwhile, which is counted and reported). On PostgreSQL the database is left
/// to pg_dump, taken just before. The file appears under its name only once complete.
/// </summary>
public sealed class BackupWriter(CheeseshopDb db, IFileStore store, CheeseshopOptions options, DataDirectory dataDir, TimeProvider clock,
    Hosting.StepReporter steps)
{
    public async Task<BackupSummary> WriteAsync(string outPath, CancellationToken ct)
    {
        outPath = Path.GetFullPath(outPath);
        if (File.Exists(outPath)) throw new Index.AdminException($"{outPath} exists already; a backup never overwrites a file.");
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        var taken = clock.GetUtcNow();
        var destroyAfter = BackupRules.DestroyAfter(taken, RetentionPolicy.Configure(options.Retention));
        var partial = outPath + ".partial";
        var snapshot = Path.Combine(dataDir.TempRoot, $"backup-{Guid.NewGuid():N}.db");
        var members = new List<BackupMember>();
        var files = 0;
        var missing = new List<string>();
        long bytes = 0;
        string database;
        try
        {
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: false))
            {
                steps.Report("database snapshot");
                database = await db.SnapshotToAsync(snapshot, ct) ? "sqlite" : "postgresql";
                var header = new BackupHeader(BackupFormat.Version, taken, destroyAfter, database);
                members.Add(await AddAsync(tar, BackupFormat.HeaderName, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(header, BackupFormat.Json)), taken, ct));
                if (database == "sqlite")
                {
                    members.Add(await AddAsync(tar, BackupFormat.DatabaseName, File.OpenRead(snapshot), taken, ct));
                    File.Delete(snapshot);
                }
                var key = IpHashKey.PathOf(options, dataDir);
                if (File.Exists(key)) members.Add(await AddAsync(tar, BackupFormat.KeyName, File.OpenRead(key), taken, ct, UnixFileMode.UserRead | UnixFileMode.UserWrite));
                await foreach (var entry in store.ListAsync(ct))
                {
                    if (await store.OpenAsync(entry.Path, ct) is not { } stored)
                    {
                        missing.Add(entry.Path);
                        continue;
                    }
                    members.Add(await AddAsync(tar, BackupFormat.FilesPrefix + entry.Path, stored.OpenRead(), stored.LastModified, ct));
                    files++;
                    bytes += members[^1].Size;
                    steps.Report("files", files);
                }
                steps.Report("files", files, files);
                var manifest = new BackupManifest(BackupFormat.Version, taken, destroyAfter, database, members);
                await AddAsync(tar, BackupFormat.ManifestName, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BackupFormat.Json)), taken, ct);
            }
            File.Move(partial, outPath);
        }
        finally
        {
            File.Delete(snapshot);
            File.Delete(partial);
        }
        return new BackupSummary(outPath, database, files, bytes, missing, destroyAfter);
    }

    private static async Task<BackupMember> AddAsync(TarWriter tar, string name, Stream content, DateTimeOffset modified, CancellationToken ct,
        UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)
    {
        await using var hashing = new HashingStream(content);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = hashing, ModificationTime = modified, Mode = mode };
        await tar.WriteEntryAsync(entry, ct);
        return new BackupMember(name, hashing.BytesRead, hashing.Sha256());
    }
}
