using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>5. length-of-service: when the account began, its status, and the services it uses (projects, API tokens, two-factor).</summary>
public sealed class LengthOfServiceGenerator : ICategoryGenerator
{
    public static readonly TableSpec Account = new("account-status", "The account's dates and status now.",
    [
        Time("date_joined", "When the account was created"),
        Time("last_login", "The last sign-in or upload"),
        Text("status", "active, frozen, deactivated, or deleted by its owner and kept under a legal hold"),
        Boolean("two_factor", "Whether two-factor authentication is on (an authenticator app or a security key)"),
        Boolean("administrator", "Whether the account administers this index"),
    ]);

    public static readonly TableSpec Projects = new("projects", "Projects on which the subject holds a role now.",
    [
        Text("project", "The project"),
        Text("role", "Owner or Maintainer"),
    ]);

    public static readonly TableSpec Tokens = new("api-tokens", "The account's API tokens (used by upload tools). Never their values.",
    [
        Text("description", "What the owner called the token"),
        Text("scope", "The one project it may upload to (and read, on a private index), or empty for all the subject's projects"),
        Time("created", "When it was made"),
        Time("last_used", "When it last authenticated an upload, or (on a private index) the day it last authenticated a read"),
        Text("permission", "upload (upload and read) or read (read only)"),
        Time("expires", "When it stops working, or empty if it never expires"),
    ]);

    public static readonly TableSpec Publishers = new("trusted-publishers",
        "Trusted publishers (CI identities that may exchange an ID token for a 15-minute upload token) the subject registered, or on projects where the subject holds a role now. A publisher holds no secret.",
    [
        Text("project", "The project, or the name a pending publisher will create"),
        Text("issuer", "The OpenID issuer whose tokens it accepts"),
        Text("kind", "github, gitlab or generic"),
        Text("publisher", "The claims a token must carry (repository, workflow, environment, or sub and extra claims)"),
        Boolean("pending", "Whether the project does not exist yet (its first exchange creates it)"),
        Boolean("registered_by_subject", "Whether the subject added it"),
        Time("added", "When it was added"),
    ]);

    public static readonly TableSpec SingleSignOn = new("single-sign-on",
        "The account's links to identities at the single sign-on provider: a sign-in there with that identity signs in to this account.",
    [
        Text("issuer", "The provider (its OpenID issuer URL)"),
        Text("subject", "The provider's identifier for the subject"),
        Time("linked", "When the link was made (the first sign-in through the provider)"),
        Time("last_used", "The last sign-in through the provider"),
    ]);

    public static readonly TableSpec SecurityKeys = new("security-keys",
        "The account's WebAuthn security keys (second factors). Their credential ids and names, never their key material.",
    [
        Text("credential_id", "The authenticator's credential id (base64url)"),
        Text("name", "What the owner called the key"),
        Time("added", "When it was added"),
        Time("last_used", "When it last signed in"),
    ]);

    public string Key => Core.Disclosure.Categories.LengthOfService;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var u = s.User;
        var status = u.DeletedAt is { } deleted ? $"deleted by its owner on {LegalDates.Date(deleted)}; kept sealed under a legal hold"
            : u.IsFrozen ? "frozen" : !u.IsActive ? "deactivated" : "active";
        var twoFactor = await Accounts.SignInService.HasSecondFactorAsync(s.Db, u, ct);
        await tables.WriteAsync(Account, w => w.Add(u.DateJoined, u.LastLogin, status, twoFactor, u.IsAdmin));

        var projects = await s.Db.Roles.AsNoTracking().Where(r => r.UserId == s.Id)
            .OrderBy(r => r.Project!.NormalizedName).Select(r => new { r.Project!.Name, r.RoleName }).ToListAsync(ct);
        var projectTable = await tables.WriteAsync(Projects, w =>
        {
            foreach (var p in projects) w.Add(p.Name, p.RoleName);
        });

        // Tokens that existed during the scope: made before its end (a deleted token leaves only its events).
        var tokens = await (from t in s.Db.ApiTokens.AsNoTracking()
                            where t.UserId == s.Id && t.Created < s.End
                            join p in s.Db.Projects on t.ProjectId equals (Guid?)p.Id into scopes
                            from p in scopes.DefaultIfEmpty()
                            orderby t.Created, t.Description
                            select new { t.Description, Scope = p == null ? null : p.Name, t.Created, t.LastUsed, Permission = t.Scope, t.Expires }).ToListAsync(ct);
        var tokenTable = await tables.WriteAsync(Tokens, w =>
        {
            foreach (var t in tokens) w.Add(t.Description, t.Scope, t.Created, t.LastUsed, TokenRules.Name(t.Permission), t.Expires);
        });
        await WritePublishersAsync(s, tables, ct);
        var links = await s.Db.SsoLinks.AsNoTracking().Where(l => l.UserId == s.Id && l.Created < s.End)
            .OrderBy(l => l.Created).ToListAsync(ct);
        await tables.WriteAsync(SingleSignOn, w =>
        {
            foreach (var l in links) w.Add(l.Issuer, l.Subject, l.Created, l.LastUsed);
        });
        var keys = await s.Db.SecurityKeys.AsNoTracking().Where(k => k.UserId == s.Id && k.Created < s.End)
            .OrderBy(k => k.Created).Select(k => new { k.CredentialId, k.Name, k.Created, k.LastUsed }).ToListAsync(ct);
        await tables.WriteAsync(SecurityKeys, w =>
        {
            foreach (var k in keys) w.Add(Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(k.CredentialId), k.Name, k.Created, k.LastUsed);
        });
        return new CategoryOutcome(true, CategoryStatements.LengthOfService(u.DateJoined, status, projectTable.Rows, tokenTable.Rows, twoFactor));
    }

    private static async Task WritePublishersAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var projectIds = s.Db.Roles.Where(r => r.UserId == s.Id).Select(r => r.ProjectId);
        var publishers = await (from p in s.Db.TrustedPublishers.AsNoTracking()
                                where p.Added < s.End && (p.AddedById == s.Id || (p.ProjectId != null && projectIds.Contains(p.ProjectId.Value)))
                                join project in s.Db.Projects on p.ProjectId equals (Guid?)project.Id into projects
                                from project in projects.DefaultIfEmpty()
                                orderby p.Added
                                select new { Publisher = p, Project = project == null ? p.PendingProjectName : project.Name }).ToListAsync(ct);
        await tables.WriteAsync(Publishers, w =>
        {
            foreach (var x in publishers)
                w.Add(x.Project, x.Publisher.Issuer, x.Publisher.Kind, TrustedPublishing.PublisherService.SpecOf(x.Publisher).Display,
                    x.Publisher.ProjectId is null, x.Publisher.AddedById == s.Id, x.Publisher.Added);
        });
    }
}
