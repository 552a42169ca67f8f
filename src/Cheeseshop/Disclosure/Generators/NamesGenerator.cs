using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>1. names: the account's id, username and display name; every administrator's change of the username.</summary>
public sealed class NamesGenerator : ICategoryGenerator
{
    public static readonly TableSpec Account = new("account", "The account as it is now.",
    [
        Text("user_id", "The account's permanent id"),
        Text("username", "The current username"),
        Text("display_name", "The display name (empty when none is set)"),
    ]);

    public static readonly TableSpec UsernameChanges = new("username-changes", "Every change of the username, made by an administrator (usernames are not changed otherwise).",
    [
        Time("time", "When the username was changed"),
        Text("old_username", "The username before"),
        Text("new_username", "The username after"),
    ]);

    public string Key => Core.Disclosure.Categories.Names;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        await tables.WriteAsync(Account, w => w.Add(s.User.Id.ToString(), s.User.Username, s.User.DisplayName));
        var changes = await s.Db.UsernameChanges.AsNoTracking()
            .Where(c => c.UserId == s.Id && c.Time >= s.From && c.Time < s.End)
            .OrderBy(c => c.Time).ThenBy(c => c.Id)
            .Select(c => new { c.Time, c.OldUsername, c.NewUsername }).ToListAsync(ct);
        var written = await tables.WriteAsync(UsernameChanges, w =>
        {
            foreach (var c in changes) w.Add(c.Time, c.OldUsername, c.NewUsername);
        });
        return new CategoryOutcome(true, CategoryStatements.Names(written.Rows));
    }
}
