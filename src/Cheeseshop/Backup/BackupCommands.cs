using System.CommandLine;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Backup;
using Cheeseshop.Hosting;
using Cheeseshop.Index;
using Cheeseshop.Privacy;

namespace Cheeseshop.Backup;

/// <summary>`cheeseshop backup --out FILE`, `cheeseshop backup prune DIR`, `cheeseshop restore FILE`.</summary>
public static class BackupCommands
{
    public static Command Backup()
    {
        var output = new Option<string>("--out") { Description = "The backup file to write (e.g. /backups/cheeseshop-2027-01-31.tar)", Required = true };
        var backup = new Command("backup",
            "Write a consistent backup while the server runs: the SQLite database, every stored file, the IP-hash key, a manifest of SHA-256 digests") { output };
        backup.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var summary = await CliProgress.RunAsync(sp, "backup", () => sp.GetRequiredService<BackupWriter>().WriteAsync(parse.GetValue(output)!, c));
            Console.Out.WriteLine($"Backup written to {summary.Path}: {(summary.Database == "sqlite" ? "the database, " : "")}{summary.Files} files ({summary.Bytes:N0} bytes) and the IP-hash key.");
            if (summary.Database != "sqlite")
                Console.Out.WriteLine("The PostgreSQL database is not in it: back it up with pg_dump (docs/operations.md#backup-and-restore).");
            foreach (var path in summary.Missing)
                Console.Error.WriteLine($"warning: {path} was removed while the backup ran; it is not in the backup.");
            Console.Out.WriteLine($"It holds personal data until {summary.DestroyAfter:yyyy-MM-dd}: destroy it after that date (`cheeseshop backup prune`).");
            return 0;
        }, ct));
        backup.Subcommands.Add(Prune());
        return backup;
    }

    private static Command Prune()
    {
        var folder = new Argument<string>("DIR") { Description = "The folder of backup files" };
        var asOf = new Option<string?>("--as-of") { Description = "Act as if it were this time (ISO 8601)" };
        var prune = new Command("prune", "Delete the backups in DIR whose destroy-after date has passed") { folder, asOf };
        prune.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var now = parse.GetValue(asOf) is { } text
                ? new DateTimeOffset(PrivacyCommands.ParseTime(text, "--as-of"))
                : sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir)) throw new AdminException($"{dir} is not a folder.");
            int deleted = 0, kept = 0;
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                if (await BackupFormat.ReadHeaderAsync(file, c) is not { } header) continue;
                if (BackupRules.Expired(header.DestroyAfter, now))
                {
                    File.Delete(file);
                    deleted++;
                    Console.Out.WriteLine($"deleted  {file} (destroy after {header.DestroyAfter:yyyy-MM-dd})");
                }
                else
                {
                    kept++;
                    Console.Out.WriteLine($"kept     {file} (until {header.DestroyAfter:yyyy-MM-dd})");
                }
            }
            Console.Out.WriteLine($"{deleted} deleted, {kept} kept.");
            return 0;
        }, ct));
        return prune;
    }

    public static Command Restore()
    {
        var file = new Argument<string>("FILE") { Description = "The backup file" };
        var restore = new Command("restore", "Verify a backup against its manifest, then restore it into the (empty) --data-dir") { file };
        // No migration first: that would make the very database the restore puts in place.
        restore.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var summary = await CliProgress.RunAsync(sp, "restore",
                () => sp.GetRequiredService<BackupRestorer>().RestoreAsync(parse.GetValue(file)!, c));
            Console.Out.WriteLine($"Restored the backup of {summary.Created:yyyy-MM-ddTHH:mm:ssZ} into {sp.GetRequiredService<DataDirectory>().Root}: " +
                                  $"{(summary.Database == "sqlite" ? "the database, " : "")}{summary.Files} files and the IP-hash key.");
            Console.Out.WriteLine($"The backup must be destroyed after {summary.DestroyAfter:yyyy-MM-dd}.");
            return 0;
        }, ct, migrate: false));
        return restore;
    }
}

public static class BackupServices
{
    public static IServiceCollection AddBackup(this IServiceCollection services)
    {
        services.AddScoped<BackupWriter>();
        services.AddScoped<BackupRestorer>();
        return services;
    }
}
