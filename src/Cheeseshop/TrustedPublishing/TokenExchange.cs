using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Audit;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.TrustedPublishing;
using Cheeseshop.Core.Upload;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Cheeseshop.Projects;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.TrustedPublishing;

/// <summary>A refusal in PyPI's shape: a code its tools know, and a description that names the failed check.</summary>
public sealed record MintError(int Status, string Code, string Description);

/// <summary>A minted token, or why none was.</summary>
public sealed record MintResult(string? Token, DateTime? Expires, MintError? Error)
{
    public static MintResult Refused(int status, string code, string description) => new(null, null, new MintError(status, code, description));
}

/// <summary>
/// POST /_/oidc/mint-token: an ID token from a configured issuer, checked (signature by the issuer's keys,
/// issuer, audience, times, a 'jti' never seen before) and matched against the trusted publishers, becomes
/// an ordinary API token of 15 minutes scoped to the publisher's project. A pending publisher's first
/// exchange creates its project. Everything the exchange writes (the used jti, the token, a created project,
/// the events) commits together, so a refused exchange leaves nothing behind.
/// </summary>
public sealed class TokenExchange(CheeseshopDb db, TrustedPublishingOptions options, IssuerKeys keys, IndexWriter writer,
    EventRecorder events, ProjectCreator creator, TimeProvider clock, ILogger<TokenExchange> log)
{
    public async Task<MintResult> MintAsync(string jwt, CancellationToken ct)
    {
        var issuerUrl = keys.UnverifiedIssuer(jwt);
        if (issuerUrl is null) return Invalid("invalid-token", "the token is not a well-formed JWT with an 'iss' claim");
        if (options.Find(issuerUrl) is not { } issuer)
            return Invalid("invalid-payload", $"unknown trusted publishing issuer: {Quote(issuerUrl)} is not configured on this index");
        var signature = await keys.CheckAsync(issuer, jwt, options.Audience, ct);
        if (signature.IssuerUnavailable) return MintResult.Refused(503, "issuer-unavailable", signature.Problem!);
        if (signature.Claims is not { } claims) return Invalid("invalid-token", signature.Problem!);
        var now = clock.GetUtcNow();
        if (TokenChecks.TimeProblem(claims.Expires, claims.NotBefore, claims.IssuedAt, now) is { } time) return Invalid("invalid-token", time);
        if (TokenChecks.JtiProblem(claims.Jti) is { } jti) return Invalid("invalid-token", jti);

        var candidates = await db.TrustedPublishers.AsNoTracking().Where(p => p.Issuer == issuer.Url).ToListAsync(ct);
        var matches = candidates.Where(p => PublisherMatch.Mismatch(PublisherService.SpecOf(p), claims.Values) is null).ToList();
        if (matches.Count == 0)
            return Invalid("invalid-publisher", "valid token, but no corresponding publisher (" + WhyNoMatch(candidates, claims, issuer.Kind) + ")");
        // One publisher registered on several projects mints one token for all of them, as on PyPI; publishers that
        // ask different things of the token, or pending ones for several names, leave no single answer.
        var chosen = matches.Where(p => p.ProjectId != null).ToList() is { Count: > 0 } active ? active : matches;
        chosen = chosen.OrderBy(p => p.Added).ThenBy(p => p.Id).ToList();
        if (chosen[0].ProjectId is null && chosen.Select(p => p.PendingNormalizedName).Distinct().Count() > 1)
            return Invalid("invalid-publisher", "valid token, but it matches pending publishers for more than one project name; remove all but one");
        var spec = PublisherService.SpecOf(chosen[0]);
        if (chosen.Any(p => !PublisherService.SpecOf(p).SameAs(spec)))
            return Invalid("invalid-publisher", "valid token, but it matches different publishers on more than one project; make them the same publisher, or remove all but one");
        try
        {
            return await writer.ChangeAsync(change => IssueAsync(change, chosen[0], claims, issuer, ct), ct);
        }
        catch (DbUpdateException e)
        {
            log.LogWarning(e, "A token exchange lost a race with another change");
            return MintResult.Refused(409, "invalid-reuse-token", "another exchange of this token or for this project happened at the same moment; ask for a new token");
        }
    }

    private async Task<MintResult> IssueAsync(IndexChange change, TrustedPublisher match, IdTokenClaims claims, ConfiguredIssuer issuer, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = JtiKey(issuer.Url, claims.Jti!);
        // Under the write lock: two exchanges of one token take turns, and the second finds the first's row.
        await db.UsedIdTokens.Where(u => u.Expires < now).ExecuteDeleteAsync(ct);
        if (await db.UsedIdTokens.AnyAsync(u => u.Key == key, ct))
            return Discard(change, Invalid("invalid-reuse-token", "invalid token: this token's 'jti' has already been exchanged"));
        // Read again under the lock: the publisher (or its project) may have been removed since the match.
        var publisher = await db.TrustedPublishers.FirstOrDefaultAsync(p => p.Id == match.Id, ct);
        if (publisher is null) return Discard(change, Gone());
        var spec = PublisherService.SpecOf(publisher);
        Project? project;
        User? user;
        if (publisher.ProjectId is { } projectId)
        {
            project = await db.Projects.FirstOrDefaultAsync(p => p.Id == projectId, ct);
            if (project is null) return Discard(change, Gone());
            user = await UploaderAsync(publisher, project, ct);
        }
        else if ((user = await PendingOwnerAsync(publisher, ct)) is null)
            return Discard(change, Invalid("invalid-pending-publisher", $"valid token, but the account that registered this pending publisher can no longer own {publisher.PendingProjectName}"));
        else if (await PendingProblemAsync(publisher, ct) is { } problem)
            return Discard(change, Invalid("invalid-pending-publisher", "valid token, but " + problem));
        else project = await CreateProjectAsync(change, publisher, user, ct);
        if (user is null)
            return Discard(change, Invalid("invalid-publisher", $"valid token, but {project.Name} has no active Owner for the token to act for"));

        var exp = claims.Expires!.Value;
        var usedUntil = exp > DateTimeOffset.MaxValue - TokenChecks.Leeway ? DateTimeOffset.MaxValue : exp + TokenChecks.Leeway;
        db.UsedIdTokens.Add(new UsedIdToken { Key = key, Expires = usedUntil.UtcDateTime });
        var issued = ApiTokenCodec.Create();
        var expires = now + TokenChecks.MintedLifetime;
        db.ApiTokens.Add(new ApiToken
        {
            Id = issued.Id, UserId = user.Id, ProjectId = project.Id, PublisherId = publisher.Id, Scope = TokenScope.Upload,
            Description = Truncate("Trusted publisher: " + spec.Display, 100), SecretHash = issued.SecretHash, Created = now, Expires = expires,
        });
        // Each project the token may upload to has the mint in its history.
        var covered = await PublisherService.ProjectsOfAsync(db, publisher, ct);
        foreach (var coveredId in covered.Append(project.Id).Distinct())
            await events.ProjectEventAsync(coveredId, EventTags.Project.ShortLivedApiTokenAdded, null, new
            {
                expires, publisher = spec.Display, publisher_kind = publisher.Kind, issuer = publisher.Issuer, user = user.Username,
            }, ct);
        return new MintResult(issued.Token, expires, null);
    }

    /// <summary>The registrant of a pending publisher, while the account can still own a project.</summary>
    private async Task<User?> PendingOwnerAsync(TrustedPublisher publisher, CancellationToken ct) =>
        publisher.AddedById is { } id ? await db.Users.FirstOrDefaultAsync(u => u.Id == id && u.IsActive && !u.IsFrozen && u.DeletedAt == null, ct) : null;

    /// <summary>Why a pending publisher's project cannot be created now: its name was taken, or prohibited,
    /// since the publisher was registered.</summary>
    private async Task<string?> PendingProblemAsync(TrustedPublisher publisher, CancellationToken ct)
    {
        if (await db.Projects.AnyAsync(p => p.NormalizedName == publisher.PendingNormalizedName, ct))
            return $"the project {publisher.PendingProjectName} already exists: ask its Owners to add this publisher";
        if (await db.ProhibitedProjectNames.AnyAsync(p => p.Name == publisher.PendingNormalizedName, ct))
            return ProjectCreationRules.Prohibited(publisher.PendingProjectName!);
        return null;
    }

    /// <summary>A pending publisher's project, created as an upload creates one, owned by the publisher's
    /// registrant; the publisher then belongs to it.</summary>
    private async Task<Project> CreateProjectAsync(IndexChange change, TrustedPublisher publisher, User owner, CancellationToken ct)
    {
        var display = PublisherService.SpecOf(publisher).Display;
        var project = await creator.CreateAsync(change, publisher.PendingProjectName!, publisher.PendingNormalizedName!, owner, owner.Id,
            owner.Username, clock.GetUtcNow().UtcDateTime, display, ct);
        await events.ProjectEventAsync(project.Id, EventTags.Project.PublisherAdded, owner.Id,
            new { publisher = display, publisher_kind = publisher.Kind, issuer = publisher.Issuer, submitted_by = owner.Username, project_name = project.Name }, ct);
        publisher.ProjectId = project.Id;
        publisher.PendingProjectName = null;
        publisher.PendingNormalizedName = null;
        await RemoveOtherPendingAsync(publisher, project, ct);
        return project;
    }

    /// <summary>Other pending publishers for the same name can never be used now: each goes, and its
    /// registrant's history says so as if they had removed it.</summary>
    private async Task RemoveOtherPendingAsync(TrustedPublisher publisher, Project project, CancellationToken ct)
    {
        var others = await db.TrustedPublishers.Where(p => p.PendingNormalizedName == project.NormalizedName && p.Id != publisher.Id).ToListAsync(ct);
        foreach (var other in others)
        {
            db.TrustedPublishers.Remove(other);
            if (other.AddedById is { } addedBy)
                await events.UserEventAsync(addedBy, EventTags.Account.PendingPublisherRemoved, new
                {
                    publisher = PublisherService.SpecOf(other).Display, publisher_kind = other.Kind, issuer = other.Issuer,
                    submitted_by = (string?)null, project_name = other.PendingProjectName,
                }, ct);
        }
    }

    /// <summary>The account the token acts for: the publisher's registrant while it keeps a role on the
    /// project, otherwise an Owner; never a frozen, inactive or deleted account.</summary>
    private async Task<User?> UploaderAsync(TrustedPublisher publisher, Project project, CancellationToken ct)
    {
        var eligible = db.Roles.Where(r => r.ProjectId == project.Id).Select(r => new { r.RoleName, r.User })
            .Where(r => r.User!.IsActive && !r.User.IsFrozen && r.User.DeletedAt == null);
        if (publisher.AddedById is { } id && await eligible.Where(r => r.User!.Id == id).Select(r => r.User).FirstOrDefaultAsync(ct) is { } registrant)
            return registrant;
        return await eligible.Where(r => r.RoleName == RoleNames.Owner).OrderBy(r => r.User!.DateJoined).Select(r => r.User).FirstOrDefaultAsync(ct);
    }

    /// <summary>Why no publisher matched: with one candidate, the claim that differs; otherwise the claims
    /// that identify the job, so its owner can compare them with the publishers they registered.</summary>
    private static string WhyNoMatch(IReadOnlyList<TrustedPublisher> candidates, IdTokenClaims claims, IssuerKind kind) => candidates.Count switch
    {
        0 => "no publisher is registered for this issuer",
        1 => PublisherMatch.Mismatch(PublisherService.SpecOf(candidates[0]), claims.Values)!,
        _ => $"no publisher of this issuer matches {Identity(claims, kind)}",
    };

    private static string Identity(IdTokenClaims claims, IssuerKind kind)
    {
        string Claim(string name) => $"'{name}' {claims.Values.GetValueOrDefault(name) ?? "(absent)"}";
        return kind switch
        {
            IssuerKind.GitHub => $"{Claim("repository")}, {Claim("job_workflow_ref")}",
            IssuerKind.GitLab => $"{Claim("project_path")}, {Claim("ci_config_ref_uri")}",
            _ => Claim("sub"),
        };
    }

    private static MintResult Discard(IndexChange change, MintResult result)
    {
        change.Discard();
        return result;
    }

    private static MintResult Gone() => Invalid("invalid-publisher", "valid token, but its publisher was removed while the token was exchanged");

    private static MintResult Invalid(string code, string description) => MintResult.Refused(422, code, description);

    private static string JtiKey(string issuer, string jti) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + jti)));

    private static string Quote(string s) => "'" + LogText.Prefix(s, 200) + "'";

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
