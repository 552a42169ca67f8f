using Cheeseshop.Accounts;
using Cheeseshop.Core.TrustedPublishing;
using Cheeseshop.TrustedPublishing;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage.Publishing;

/// <summary>
/// /manage/project/{name}/publishing/: a project's trusted publishers, for its Owners. For a project that
/// does not exist yet, any signed-in user with a verified address may register a pending publisher; its
/// first use creates the project, owned by them.
/// </summary>
public sealed class IndexModel(PublisherService publishers) : AccountPageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(Name = "issuer")] public string? IssuerUrl { get; set; }
    [BindProperty(Name = "repository")] public string? Repository { get; set; }
    [BindProperty(Name = "workflow")] public string? Workflow { get; set; }
    [BindProperty(Name = "environment")] public string? Environment { get; set; }
    [BindProperty(Name = "sub")] public string? Subject { get; set; }
    /// <summary>Extra claims of a generic publisher, one NAME=VALUE a line.</summary>
    [BindProperty(Name = "claims")] public string? Claims { get; set; }
    [BindProperty(Name = "publisher_id")] public Guid PublisherId { get; set; }

    public string ProjectName { get; private set; } = "";
    public bool Exists { get; private set; }
    public IReadOnlyList<PublisherSummary>? Publishers { get; private set; }
    public IReadOnlyList<ConfiguredIssuer> Issuers => publishers.Issuers;

    public bool HasIssuer(IssuerKind kind) => Issuers.Any(i => i.Kind == kind);

    protected override async Task LoadAsync()
    {
        try
        {
            (ProjectName, Exists) = await publishers.ProjectAsync(Name, Ct);
            Publishers = await publishers.ListAsync(new PublisherActor(CurrentUserId), Name, Ct);
        }
        catch (AccountException) when (Error is not null)
        {
            // Already refusing for a reason of its own; the page shows that reason alone.
        }
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostGitHubAsync() => AddAsync(IssuerKind.GitHub);

    public Task<IActionResult> OnPostGitLabAsync() => AddAsync(IssuerKind.GitLab);

    public Task<IActionResult> OnPostGenericAsync() => AddAsync(IssuerKind.Generic);

    public Task<IActionResult> OnPostRemoveAsync() => AttemptAsync(async () =>
    {
        var display = await publishers.RemoveAsync(new PublisherActor(CurrentUserId), Name, PublisherId, Ct);
        return Back($"Removed {display}. The tokens it minted no longer work.");
    });

    private Task<IActionResult> AddAsync(IssuerKind kind) => AttemptAsync(async () =>
    {
        var input = new PublisherInput(kind, Blank(IssuerUrl), Blank(Repository), Blank(Workflow), Blank(Environment), Blank(Subject), ParseClaims(kind));
        var added = await publishers.AddAsync(new PublisherActor(CurrentUserId), Name, input, Ct);
        return Back(added.Pending
            ? $"Added a pending publisher: {added.Display}. Its first publish creates {added.ProjectName}, owned by you."
            : $"Added {added.Display}.");
    });

    /// <summary>Post/redirect/get to the page's own address, trailing slash included (route generation drops it).</summary>
    private IActionResult Back(string notice)
    {
        Notice = notice;
        return LocalRedirect($"/manage/project/{Uri.EscapeDataString(Name.Trim())}/publishing/");
    }

    private Dictionary<string, string> ParseClaims(IssuerKind kind)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        if (kind != IssuerKind.Generic) return claims;
        foreach (var line in (Claims ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!PublisherDefinition.TryParseClaim(line, out var name, out var value))
                throw AccountException.BadRequest($"'{line}' is not NAME=VALUE: give one extra claim a line.");
            if (!claims.TryAdd(name, value)) throw AccountException.BadRequest($"The claim '{name}' is given twice.");
        }
        return claims;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
