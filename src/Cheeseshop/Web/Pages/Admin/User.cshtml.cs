using Cheeseshop.Admin;
using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Index;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/user/{name}: an account as administrators see it, and disabling or enabling it (Admin/AccountAdmin).</summary>
public sealed class UserModel(CheeseshopDb db, AccountAdmin accounts) : AdminPageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";

    public sealed record Account(string Username, string DisplayName, DateTime Joined, DateTime? LastLogin, bool IsAdmin,
        bool TwoFactor, bool Disabled, int Tokens, List<(string Project, string NormalizedName, string Role)> Roles);

    public Account? Shown { get; private set; }

    protected override async Task LoadAsync()
    {
        var key = Usernames.Normalize(Name.Trim());
        var u = await db.Users.AsNoTracking().FirstOrDefaultAsync(x => x.NormalizedUsername == key && x.IsActive && x.DeletedAt == null, Ct);
        if (u is null) return;
        var roles = await db.Roles.AsNoTracking().Where(r => r.UserId == u.Id).OrderBy(r => r.Project!.NormalizedName)
            .Select(r => new { r.Project!.Name, r.Project.NormalizedName, r.RoleName }).ToListAsync(Ct);
        var tokens = await db.ApiTokens.CountAsync(t => t.UserId == u.Id, Ct);
        Shown = new Account(u.Username, u.DisplayName, u.DateJoined, u.LastLogin, u.IsAdmin, await SignInService.HasSecondFactorAsync(db, u, Ct),
            u.IsFrozen, tokens, roles.Select(r => (r.Name, r.NormalizedName, r.RoleName)).ToList());
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        if (Shown is null) throw new AdminException($"No user named '{Name}'.", 404);
        return Page();
    });

    public Task<IActionResult> OnPostDisableAsync() => AttemptAsync(async () =>
    {
        await accounts.DisableAsync(Name, CurrentUserId, Actor, Ct);
        return Done($"{Name} is disabled: the account cannot sign in, upload or use its API tokens, and its sessions have ended.");
    });

    public Task<IActionResult> OnPostEnableAsync() => AttemptAsync(async () =>
    {
        await accounts.EnableAsync(Name, Actor, Ct);
        return Done($"{Name} is enabled again.");
    });
}
