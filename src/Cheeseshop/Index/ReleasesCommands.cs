using System.CommandLine;
using Cheeseshop.Accounts;
using Cheeseshop.Hosting;

namespace Cheeseshop.Index;

public static class ReleasesCommands
{
    public static Command BuildReleases()
    {
        var releases = new Command("releases", "Yank, unyank or remove releases");
        var project = new Argument<string>("project");
        var version = new Argument<string>("version");
        var reason = new Option<string?>("--reason") { Description = "Why (shown to installers)" };

        var yank = new Command("yank", "Yank a release: installers skip it unless pinned with ==") { project, version, reason };
        yank.SetAction((parse, ct) => Run(parse, ct, (admin, c) =>
            admin.YankAsync(parse.GetValue(project)!, parse.GetValue(version)!, parse.GetValue(reason), null, c), "Yanked."));
        var unyank = new Command("unyank", "Undo a yank") { project, version };
        unyank.SetAction((parse, ct) => Run(parse, ct, (admin, c) =>
            admin.UnyankAsync(parse.GetValue(project)!, parse.GetValue(version)!, null, c), "Unyanked."));
        var remove = new Command("remove", "Remove a release and its files (their filenames can never be reused)") { project, version };
        remove.SetAction((parse, ct) => Run(parse, ct, (admin, c) =>
            admin.RemoveReleaseAsync(parse.GetValue(project)!, parse.GetValue(version)!, null, c), "Removed."));
        releases.Subcommands.Add(yank);
        releases.Subcommands.Add(unyank);
        releases.Subcommands.Add(remove);
        return releases;
    }

    public static Command BuildFiles()
    {
        var files = new Command("files", "Remove single files");
        var project = new Argument<string>("project");
        var filename = new Argument<string>("filename");
        var remove = new Command("remove", "Remove one file (its filename can never be reused)") { project, filename };
        remove.SetAction((parse, ct) => Run(parse, ct, (admin, c) =>
            admin.RemoveFileAsync(parse.GetValue(project)!, parse.GetValue(filename)!, null, c), "Removed."));
        files.Subcommands.Add(remove);
        return files;
    }

    private static Task<int> Run(ParseResult parse, CancellationToken ct, Func<ReleaseAdmin, CancellationToken, Task> action, string done) =>
        CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            await action(sp.GetRequiredService<ReleaseAdmin>(), c);
            Console.Error.WriteLine(done);
            return 0;
        }, ct);
}
