using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>One token as the tokens page lists it (never its secret, which is not stored).</summary>
public sealed record ApiTokenSummary(Guid Id, string Description, string? ProjectName, DateTime Created, DateTime? LastUsed,
    TokenScope Scope, DateTime? Expires);

/// <summary>
/// API tokens, made on the website or by an operator (<c>cheeseshop tokens create</c>): for every project
/// of the account, or for one. The token is returned once, to be shown once; only the hash of its secret
/// is kept (ApiTokenCodec). Either way the same events are recorded.
/// </summary>
public sealed class ApiTokenService(CheeseshopDb db, SignInService signIn, EventRecorder events, TimeProvider clock,
    ReadCredentialCache readers)
{
    public const int MaxDescriptionLength = 100;

    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(Guid userId, CancellationToken ct) =>
        await (from t in db.ApiTokens
               where t.UserId == userId
               join p in db.Projects on t.ProjectId equals p.Id into scoped
               from p in scoped.DefaultIfEmpty()
               orderby t.Created descending
               select new ApiTokenSummary(t.Id, t.Description, p == null ? null : p.Name, t.Created, t.LastUsed, t.Scope, t.Expires))
            .ToListAsync(ct);

    /// <summary>Projects a token may be scoped to: those the user has a role on.</summary>
    public async Task<IReadOnlyList<string>> ScopableProjectsAsync(Guid userId, CancellationToken ct) =>
        await db.Roles.Where(r => r.UserId == userId).Select(r => r.Project!.Name).OrderBy(n => n).ToListAsync(ct);

    public async Task<string> CreateAsync(Guid userId, string? description, string? project, string? tokenScope, string? expires,
        string? password, CancellationToken ct)
    {
        var user = await db.RequireUserAsync(userId, ct);
        var terms = Terms(tokenScope, expires, AccountException.BadRequest);
        description = description?.Trim() ?? "";
        if (description.Length == 0)
            throw AccountException.BadRequest("Give the token a name that says what it is for (for example \"CI for myproject\"), so you know which one to delete later.");
        CheckDescription(description);
        if (!user.HasVerifiedPrimaryEmail())
            throw AccountException.Forbidden("Verify your primary email address before creating API tokens: it is how we reach you about your uploads.");
        await signIn.ConfirmPasswordAsync(user, password, ct);

        Project? scope = null;
        if (!string.IsNullOrWhiteSpace(project))
        {
            var normalized = ProjectName.Normalize(project.Trim());
            scope = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
            if (scope is null || !await db.Roles.AnyAsync(r => r.ProjectId == scope.Id && r.UserId == user.Id, ct))
                throw AccountException.BadRequest($"You have no role on a project named '{project.Trim()}', so a token cannot be scoped to it.");
        }
        return await IssueAsync(user, description, scope, terms, ct);
    }

    private readonly record struct TokenTerms(TokenScope Scope, DateTime? Expires);

    /// <summary>The scope and expiry as given (null: an upload token that never expires), or the error made by <paramref name="error"/>.</summary>
    private TokenTerms Terms(string? scope, string? expires, Func<string, Exception> error)
    {
        if (!TokenRules.TryParseScope(scope, out var parsed))
            throw error($"'{scope}' is not a token scope: use 'upload' (upload and read) or 'read' (read only).");
        if (TokenRules.TryParseExpiry(string.IsNullOrWhiteSpace(expires) ? null : expires, clock.GetUtcNow().UtcDateTime, out var at) is { } message)
            throw error(message);
        return new TokenTerms(parsed, at);
    }

    /// <summary>A token made by an operator for the named account. The operator vouches for the account, so
    /// neither its password nor a verified address is asked for, and the description may be left out.</summary>
    public async Task<string> CreateForOperatorAsync(string username, string? project, string? description, string? tokenScope,
        string? expires, CancellationToken ct)
    {
        var terms = Terms(tokenScope, expires, m => new AdminException(m));
        var normalized = Usernames.Normalize(username.Trim());
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct)
                   ?? throw new AdminException($"No user named '{username}'.");
        description = description?.Trim() ?? "";
        CheckDescription(description);
        Project? scope = null;
        if (project is not null)
        {
            var name = ProjectName.Normalize(project.Trim());
            scope = await db.Projects.FirstOrDefaultAsync(x => x.NormalizedName == name, ct)
                    ?? throw new AdminException($"No project named '{project}': a project-scoped token needs an existing project.");
            if (!await db.Roles.AnyAsync(r => r.ProjectId == scope.Id && r.UserId == user.Id, ct))
                throw new AdminException($"'{user.Username}' has no role on '{scope.Name}'.");
        }
        return await IssueAsync(user, description, scope, terms, ct);
    }

    private static void CheckDescription(string description)
    {
        if (description.Length > MaxDescriptionLength || description.Any(char.IsControl))
            throw AccountException.BadRequest($"The token name must be at most {MaxDescriptionLength} characters, without control characters.");
    }

    private async Task<string> IssueAsync(User user, string description, Project? scope, TokenTerms terms, CancellationToken ct)
    {
        var issued = ApiTokenCodec.Create();
        db.ApiTokens.Add(new ApiToken
        {
            Id = issued.Id, UserId = user.Id, ProjectId = scope?.Id, Description = description,
            SecretHash = issued.SecretHash, Created = clock.GetUtcNow().UtcDateTime,
            Scope = terms.Scope, Expires = terms.Expires,
        });
        await events.UserEventAsync(user.Id, EventTags.Account.ApiTokenAdded, new
        {
            token_id = issued.Id.ToString(), description, scope = scope is null ? "user" : $"project:{scope.Name}",
            permission = TokenRules.Name(terms.Scope), expires = terms.Expires,
        }, ct);
        if (scope is not null)
            await events.ProjectEventAsync(scope.Id, EventTags.Project.ApiTokenAdded, user.Id,
                new { description, user = user.Username }, ct);
        await db.SaveChangesAsync(ct);
        return issued.Token;
    }

    public async Task<string> DeleteAsync(Guid userId, Guid tokenId, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct)
            ?? throw AccountException.NotFound("That token does not exist (it may have been deleted already).");
        var username = await db.Users.Where(u => u.Id == userId).Select(u => u.Username).FirstAsync(ct);
        db.ApiTokens.Remove(token);
        await events.UserEventAsync(userId, EventTags.Account.ApiTokenRemoved,
            new { token_id = token.Id.ToString(), description = token.Description }, ct);
        if (token.ProjectId is { } projectId)
            await events.ProjectEventAsync(projectId, EventTags.Project.ApiTokenRemoved, userId,
                new { description = token.Description, user = username }, ct);
        await db.SaveChangesAsync(ct);
        readers.ForgetToken(token.Id);
        return token.Description;
    }
}
