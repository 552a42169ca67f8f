using System.CommandLine;
using Cheeseshop.Hosting;

namespace Cheeseshop.Accounts;

public static class TokensCommands
{
    public static Command Build()
    {
        var tokens = new Command("tokens", "Manage API tokens");
        var username = new Argument<string>("username") { Description = "Whose token" };
        var project = new Option<string?>("--project") { Description = "Limit the token to this project (its uploads, and its reads on a private index)" };
        var description = new Option<string?>("--description") { Description = "What the token is for" };
        var scope = new Option<string?>("--scope") { Description = "upload (the default: upload and read) or read (read only)" };
        var expires = new Option<string?>("--expires") { Description = "Lifetime, e.g. 90d or 12w (default: never expires)" };
        var create = new Command("create", "Create an API token and print it (the only time it is shown)")
            { username, project, description, scope, expires };
        create.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            var token = await sp.GetRequiredService<ApiTokenService>().CreateForOperatorAsync(
                parse.GetValue(username)!, parse.GetValue(project), parse.GetValue(description),
                parse.GetValue(scope), parse.GetValue(expires), ct2);
            Console.Out.WriteLine(token);
            return 0;
        }, ct));
        tokens.Subcommands.Add(create);
        return tokens;
    }
}
