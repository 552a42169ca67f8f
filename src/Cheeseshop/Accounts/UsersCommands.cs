using System.CommandLine;
using Cheeseshop.Disclosure;
using Cheeseshop.Hosting;
using Cheeseshop.Index;

namespace Cheeseshop.Accounts;

public static class UsersCommands
{
    public static Command Build()
    {
        var users = new Command("users", "Manage accounts");

        var username = new Argument<string>("username") { Description = "The new account's username" };
        var email = new Option<string>("--email") { Description = "Primary email address (counted as verified)", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var admin = new Option<bool>("--admin") { Description = "Make the account an administrator" };
        var create = new Command("create", "Create an account") { username, email, passwordStdin, admin };
        create.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            if (!parse.GetValue(passwordStdin))
                throw new AdminException("Pass --password-stdin and the password on standard input (never on the command line, where other users can see it).");
            var password = (await Console.In.ReadLineAsync(ct2))?.TrimEnd('\r', '\n');
            if (string.IsNullOrEmpty(password)) throw new AdminException("No password on standard input.");
            var user = await sp.GetRequiredService<RegistrationService>().CreateVerifiedAsync(
                parse.GetValue(username)!, parse.GetValue(email)!, password, parse.GetValue(admin), ct2);
            Console.Error.WriteLine($"Created user '{user.Username}'.");
            return 0;
        }, ct));
        users.Subcommands.Add(create);
        users.Subcommands.Add(UsersRenameCommand.Build());
        users.Subcommands.Add(Invitations.UsersInviteCommand.Build());
        users.Subcommands.Add(UsersExportCommand.Build());
        return users;
    }
}
