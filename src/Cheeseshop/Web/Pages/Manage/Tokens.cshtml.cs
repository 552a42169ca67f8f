using Cheeseshop.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>/manage/account/tokens: list, create (shown once) and delete API tokens.</summary>
public sealed class TokensModel(ApiTokenService tokens) : AccountPageModel
{
    [BindProperty(Name = "description")] public string? Description { get; set; }
    [BindProperty(Name = "project")] public string? Project { get; set; }
    [BindProperty(Name = "scope")] public string? Scope { get; set; }
    [BindProperty(Name = "expires")] public string? Expires { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "token_id")] public Guid TokenId { get; set; }

    public IReadOnlyList<ApiTokenSummary> Tokens { get; private set; } = [];
    public IReadOnlyList<string> Projects { get; private set; } = [];
    public string? NewToken { get; private set; }

    protected override async Task LoadAsync()
    {
        Tokens = await tokens.ListAsync(CurrentUserId, Ct);
        Projects = await tokens.ScopableProjectsAsync(CurrentUserId, Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    /// <summary>Answered with the page itself, not a redirect: the token must not travel through TempData.</summary>
    public Task<IActionResult> OnPostCreateAsync() => AttemptAsync(async () =>
    {
        NewToken = await tokens.CreateAsync(CurrentUserId, Description, Project, Scope, Expires, Password, Ct);
        Notice = $"Token \"{Description!.Trim()}\" was created.";
        await LoadAsync();
        // The page holds a secret: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        return Page();
    });

    public Task<IActionResult> OnPostDeleteAsync() => AttemptAsync(async () =>
        Done($"Token \"{await tokens.DeleteAsync(CurrentUserId, TokenId, Ct)}\" was deleted; it no longer works."));
}
