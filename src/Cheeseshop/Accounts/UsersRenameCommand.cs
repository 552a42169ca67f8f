using System.CommandLine;
using Cheeseshop.Hosting;

namespace Cheeseshop.Accounts;

/// <summary>`cheeseshop users rename OLD NEW`: the only way a username changes, and it is recorded.</summary>
public static class UsersRenameCommand
{
    public static Command Build()
    {
        var oldName = new Argument<string>("old") { Description = "The current username" };
        var newName = new Argument<string>("new") { Description = "The new username" };
        var rename = new Command("rename", "Change a username (recorded with who did it and when)") { oldName, newName };
        rename.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            // The operator's OS account is who made the change: the CLI has no site login.
            var change = await sp.GetRequiredService<UsernameRenamer>().RenameAsync(
                parse.GetValue(oldName)!, parse.GetValue(newName)!, "cli:" + Environment.UserName, null, ct2);
            Console.Error.WriteLine($"Renamed '{change.OldUsername}' to '{change.NewUsername}'.");
            return 0;
        }, ct));
        return rename;
    }
}
