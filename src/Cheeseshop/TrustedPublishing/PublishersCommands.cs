using System.CommandLine;
using Cheeseshop.Accounts;
using Cheeseshop.Core.TrustedPublishing;
using Cheeseshop.Hosting;
using Cheeseshop.Index;

namespace Cheeseshop.TrustedPublishing;

/// <summary>`cheeseshop publishers add|list|remove`: trusted publishers, as an operator manages them.</summary>
public static class PublishersCommands
{
    public static Command Build()
    {
        var publishers = new Command("publishers", "Manage trusted publishers (CI jobs that exchange an ID token for a 15-minute upload token)");
        publishers.Subcommands.Add(Add());
        publishers.Subcommands.Add(List());
        publishers.Subcommands.Add(Remove());
        return publishers;
    }

    private static Command Add()
    {
        var project = new Argument<string>("project") { Description = "The project (one that does not exist yet gets a pending publisher)" };
        var issuer = new Option<string?>("--issuer") { Description = "A configured generic issuer's URL (with --sub), or which GitHub/GitLab issuer when several are configured" };
        var sub = new Option<string?>("--sub") { Description = "Generic issuer: the exact 'sub' claim" };
        var claim = new Option<string[]>("--claim") { Description = "Generic issuer: another claim that must match, NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
        var github = new Option<string?>("--github") { Description = "GitHub Actions: the repository, OWNER/REPO" };
        var gitlab = new Option<string?>("--gitlab") { Description = "GitLab CI: the project, NAMESPACE/PROJECT" };
        var workflow = new Option<string?>("--workflow") { Description = "GitHub: the workflow file name (release.yml); GitLab: the CI configuration path (.gitlab-ci.yml)" };
        var environment = new Option<string?>("--environment") { Description = "GitHub/GitLab: the deployment environment the job must run in" };
        var user = new Option<string?>("--user") { Description = "For a project that does not exist yet: the account that will own it" };
        var add = new Command("add", "Add a trusted publisher to a project") { project, issuer, sub, claim, github, gitlab, workflow, environment, user };
        add.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            var input = InputOf(parse.GetValue(issuer), parse.GetValue(sub), parse.GetValue(claim) ?? [], parse.GetValue(github),
                parse.GetValue(gitlab), parse.GetValue(workflow), parse.GetValue(environment));
            var added = await sp.GetRequiredService<PublisherService>().AddAsync(new PublisherActor(null, parse.GetValue(user)),
                parse.GetValue(project)!, input, ct2);
            Console.Out.WriteLine(added.Id);
            Console.Error.WriteLine(added.Pending
                ? $"Added a pending publisher for {added.ProjectName} ({added.Display}); its first exchange creates the project, owned by {added.AddedBy}."
                : $"Added to {added.ProjectName}: {added.Display}.");
            return 0;
        }, ct));
        return add;
    }

    /// <summary>The flags as one publisher: exactly one of --github, --gitlab or --sub.</summary>
    private static PublisherInput InputOf(string? issuer, string? sub, string[] claims, string? github, string? gitlab, string? workflow, string? environment)
    {
        if (new[] { github, gitlab, sub }.Count(v => v is not null) != 1)
            throw new AdminException("Give exactly one of --github OWNER/REPO --workflow FILE, --gitlab NAMESPACE/PROJECT --workflow PATH, or --issuer URL --sub VALUE.");
        if (sub is not null)
        {
            if (issuer is null) throw new AdminException("A generic publisher needs --issuer URL (a configured issuer) with --sub.");
            if (workflow is not null || environment is not null) throw new AdminException("--workflow and --environment are for --github and --gitlab; use --claim NAME=VALUE with --sub.");
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in claims)
            {
                if (!PublisherDefinition.TryParseClaim(c, out var name, out var value)) throw new AdminException($"'{c}' is not NAME=VALUE.");
                if (!extra.TryAdd(name, value)) throw new AdminException($"The claim '{name}' is given twice.");
            }
            return new PublisherInput(IssuerKind.Generic, issuer, null, null, null, sub, extra);
        }
        if (claims.Length > 0) throw new AdminException("--claim is for generic publishers (--issuer URL --sub VALUE).");
        if (workflow is null)
            throw new AdminException(github is not null ? "A GitHub publisher needs --workflow FILE (the workflow's file name, e.g. release.yml)."
                : "A GitLab publisher needs --workflow PATH (the CI configuration's path, e.g. .gitlab-ci.yml).");
        return new PublisherInput(github is not null ? IssuerKind.GitHub : IssuerKind.GitLab, issuer, github ?? gitlab, workflow, environment, null,
            new Dictionary<string, string>());
    }

    private static Command List()
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var list = new Command("list", "List a project's trusted publishers (one per line: id, issuer, what must match, state)") { project };
        list.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            var rows = await sp.GetRequiredService<PublisherService>().ListAsync(new PublisherActor(null), parse.GetValue(project)!, ct2);
            foreach (var p in rows)
                Console.Out.WriteLine($"{p.Id}\t{p.Issuer}\t{p.Display}\t{(p.Pending ? $"pending (owner-to-be {p.AddedBy})" : "active")}\t{p.ActiveTokens} live token(s)");
            if (rows.Count == 0) Console.Error.WriteLine($"{parse.GetValue(project)} has no trusted publishers.");
            return 0;
        }, ct));
        return list;
    }

    private static Command Remove()
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var id = new Argument<Guid>("id") { Description = "The publisher's id, as `publishers list` prints it" };
        var remove = new Command("remove", "Remove a trusted publisher; the tokens it minted stop working at once") { project, id };
        remove.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            var display = await sp.GetRequiredService<PublisherService>().RemoveAsync(new PublisherActor(null), parse.GetValue(project)!, parse.GetValue(id), ct2);
            Console.Error.WriteLine($"Removed {display} from {parse.GetValue(project)}.");
            return 0;
        }, ct));
        return remove;
    }
}
