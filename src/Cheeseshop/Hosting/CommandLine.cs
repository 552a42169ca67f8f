using System.CommandLine;
using Cheeseshop.Accounts;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Disclosure;
using Cheeseshop.Downloads;
using Cheeseshop.Health;
using Cheeseshop.Index;
using Cheeseshop.Integrity;
using Cheeseshop.Privacy;
using Cheeseshop.TrustedPublishing;
using Cheeseshop.Projects;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Hosting;

/// <summary>`cheeseshop VERB ...`: the server and the operator's admin verbs, one executable.</summary>
public static class CommandLine
{
    public static readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "The data directory (SQLite database, files, secrets)",
        DefaultValueFactory = _ => "data",
        Recursive = true,
    };

    /// <param name="settings">Settings over those of the environment, as AppConfiguration.Build takes them:
    /// for a program that runs the verbs in its own process with settings of its own (the tests).</param>
    public static async Task<int> RunAsync(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var root = new CheeseshopRootCommand(settings?.ToList());
        root.Options.Add(DataDir);
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(DoctorCommand.Build());
        root.Subcommands.Add(UsersCommands.Build());
        root.Subcommands.Add(TokensCommands.Build());
        root.Subcommands.Add(PublishersCommands.Build());
        root.Subcommands.Add(ReleasesCommands.BuildReleases());
        root.Subcommands.Add(ReleasesCommands.BuildFiles());
        root.Subcommands.Add(GeoIpCommands.Build());
        root.Subcommands.Add(PrivacyCommands.Retention());
        root.Subcommands.Add(PrivacyCommands.Holds());
        root.Subcommands.Add(StatsCommands.Build());
        root.Subcommands.Add(LegalCommands.Build());
        root.Subcommands.Add(TransparencyCommands.Build());
        root.Subcommands.Add(FsckCommand.Build());
        root.Subcommands.Add(ProjectsCommands.Build());
        root.Subcommands.Add(Backup.BackupCommands.Backup());
        root.Subcommands.Add(Backup.BackupCommands.Restore());
        root.Subcommands.Add(Import.ImportCommand.Build());
        root.Subcommands.Add(Import.MirrorCommand.Build());
        return await root.Parse(args).InvokeAsync();
    }

    private static Command ServeCommand()
    {
        var serve = new Command("serve", $"Run the index server (default {ServerHost.DefaultUrls}; ASP.NET's --urls sets another)");
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction(async (parse, ct) =>
        {
            WebApplication app;
            try
            {
                app = ServerHost.Build(Settings(parse), parse.UnmatchedTokens.ToArray());
            }
            catch (InvalidSettingsException e)
            {
                return InvalidSettings(e);
            }
            await using (app) return await ServerHost.RunAsync(app);
        });
        return serve;
    }

    private static Command MigrateCommand()
    {
        var migrate = new Command("migrate", "Create or upgrade the database schema");
        migrate.SetAction((parse, ct) => WithServicesAsync(parse, async (sp, ct2) =>
        {
            await DatabaseMigrator.MigrateAsync(sp, ct2);
            Console.Error.WriteLine("Database is up to date.");
            return 0;
        }, ct));
        return migrate;
    }

    /// <summary>The one place settings are read: the server and every admin verb register their services
    /// on this configuration (AddCheeseshop), which binds and validates each section. --data-dir given on
    /// the command line wins over the DataDir setting; left out, the setting (default "data") applies.</summary>
    internal static IConfigurationRoot Settings(ParseResult parse) =>
        AppConfiguration.Build(parse.GetResult(DataDir) is { Implicit: false } ? parse.GetValue(DataDir) : null,
            (parse.RootCommandResult.Command as CheeseshopRootCommand)?.Settings);

    private sealed class CheeseshopRootCommand(IReadOnlyList<KeyValuePair<string, string?>>? settings)
        : RootCommand("Cheeseshop: a Python package index that keeps the least personal data it can.")
    {
        public IReadOnlyList<KeyValuePair<string, string?>>? Settings { get; } = settings;
    }

    private static int InvalidSettings(InvalidSettingsException e)
    {
        Console.Error.WriteLine($"error: invalid configuration: {e.Message}");
        return 1;
    }

    /// <summary>The current time of the one clock the services use.</summary>
    internal static DateTime CurrentTime(IServiceProvider services) => services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;

    private static readonly TimeSpan ServerSyncTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The newest journal serial. Plain SQL: a LINQ query here would cost every command a query
    /// compilation (about a tenth of a second of CPU) before it does anything.</summary>
    private static async Task<long> JournalSerialAsync(IServiceProvider provider, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(id) FROM journals";
            return await command.ExecuteScalarAsync(ct) is { } max and not DBNull ? Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Runs an admin action with the same services the server uses, on a migrated database.
    /// A refusal (AdminException, or AccountException from the account rules the web pages apply too)
    /// becomes "error: ..." on stderr and exit code 1. With <paramref name="migrate"/> false the database is
    /// left as it is and no running server is waited for: `restore` puts the database in place itself.</summary>
    internal static async Task<int> WithServicesAsync(ParseResult parse, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken ct,
        bool migrate = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCheeseshop(Settings(parse));
        await using var provider = services.BuildServiceProvider();
        try
        {
            AppConfiguration.Validate(provider);
        }
        catch (InvalidSettingsException e)
        {
            return InvalidSettings(e);
        }
        try
        {
            if (!migrate)
            {
                await using var unmigrated = provider.CreateAsyncScope();
                return await action(unmigrated.ServiceProvider, ct);
            }
            await DatabaseMigrator.MigrateAsync(provider, ct);
            var before = await JournalSerialAsync(provider, ct);
            int code;
            await using (var scope = provider.CreateAsyncScope())
                code = await action(scope.ServiceProvider, ct);
            if (await JournalSerialAsync(provider, ct) is var after && after > before)
            {
                // The change is in the journal; a server on this data directory serves it before we return.
                var signal = new LocalServerSignal(provider.GetRequiredService<DataDirectory>().Root, provider.GetRequiredService<TimeProvider>());
                if (!await signal.AwaitServerAsync(after, ServerSyncTimeout, ct))
                    Console.Error.WriteLine($"warning: the running server has not picked this change up within {ServerSyncTimeout.TotalSeconds:0} s; " +
                                            "it will by its next journal poll.");
            }
            return code;
        }
        catch (Exception e) when (e is AdminException or AccountException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
