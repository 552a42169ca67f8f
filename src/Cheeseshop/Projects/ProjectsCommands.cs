using System.CommandLine;
using Cheeseshop.Hosting;
using Cheeseshop.Privacy;

namespace Cheeseshop.Projects;

/// <summary>`cheeseshop projects ...`: project names that administrators decide.</summary>
public static class ProjectsCommands
{
    public static Command Build()
    {
        var projects = new Command("projects", "Create projects for their owners; prohibit and allow names");
        var name = new Argument<string>("name") { Description = "The project name" };

        var owner = new Option<string>("--owner") { Description = "The account that becomes the project's owner", Required = true };
        var create = new Command("create", "Create an empty project owned by a user (the way to new names when Projects__Create=admins)") { name, owner };
        create.SetAction((parse, ct) => Run(parse, ct, async (admin, c) =>
        {
            var project = await admin.CreateAsync(parse.GetValue(name)!, parse.GetValue(owner)!, LegalHoldService.CliActor, c);
            return $"Created project '{project.Name}'.";
        }));

        var reason = new Option<string>("--reason") { Description = "Why (kept for the other administrators; uploaders are told only that the name is prohibited)", Required = true };
        var prohibit = new Command("prohibit", "Refuse every upload that would create a project of this name (any spelling that normalizes to it)") { name, reason };
        prohibit.SetAction((parse, ct) => Run(parse, ct, async (admin, c) =>
        {
            await admin.ProhibitAsync(parse.GetValue(name)!, parse.GetValue(reason)!, LegalHoldService.CliActor, c);
            return "Prohibited.";
        }));

        var allow = new Command("allow", "Take a name off the prohibited list") { name };
        allow.SetAction((parse, ct) => Run(parse, ct, async (admin, c) =>
        {
            await admin.AllowAsync(parse.GetValue(name)!, LegalHoldService.CliActor, c);
            return "Allowed.";
        }));

        var mode = new Argument<string>("mode") { Description = "merge (the page also lists the upstream's files, declared with PEP 708 tracks) or local (its own files only, the default)" };
        var upstream = new Command("upstream", "Choose whether a local project's page also lists the upstream index's files") { name, mode };
        upstream.SetAction((parse, ct) => Run(parse, ct, async (admin, c) =>
        {
            await admin.SetUpstreamAsync(parse.GetValue(name)!, parse.GetValue(mode)!, LegalHoldService.CliActor, c);
            return "Done.";
        }));

        projects.Subcommands.Add(create);
        projects.Subcommands.Add(upstream);
        projects.Subcommands.Add(prohibit);
        projects.Subcommands.Add(allow);
        return projects;
    }

    private static Task<int> Run(ParseResult parse, CancellationToken ct, Func<ProjectAdmin, CancellationToken, Task<string>> action) =>
        CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            Console.Error.WriteLine(await action(sp.GetRequiredService<ProjectAdmin>(), c));
            return 0;
        }, ct);
}
