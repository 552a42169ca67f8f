using System.Text.Json;
using Cheeseshop.Accounts;
using Cheeseshop.Audit;
using Cheeseshop.Auth;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.TrustedPublishing;
using Cheeseshop.Core.Upload;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Projects;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.TrustedPublishing;

/// <summary>A publisher as the CLI and the page give it: a kind (or an issuer URL, whose kind applies) and its claims.</summary>
public sealed record PublisherInput(
    IssuerKind Kind, string? Issuer, string? Repository, string? Workflow, string? Environment, string? Subject,
    IReadOnlyDictionary<string, string> ExtraClaims);

/// <summary>One publisher as listed: never a secret (a publisher has none), and how many minted tokens still work.</summary>
public sealed record PublisherSummary(Guid Id, string Kind, string Issuer, string Display, bool Pending, string ProjectName,
    string? AddedBy, DateTime Added, int ActiveTokens);

/// <summary>Who asks: a signed-in user (who must own the project), or the operator's CLI, which names the
/// account a pending publisher's project will belong to.</summary>
public sealed record PublisherActor(Guid? UserId, string? ForUsername = null)
{
    public bool IsOperator => UserId is null;
}

/// <summary>
/// Trusted publishers of a project: added and removed by its Owners (or the operator), listed with their
/// live tokens. A publisher for a project that does not exist yet is pending: its first exchange creates the
/// project, owned by the account that registered it. Removing a publisher removes the tokens it minted.
/// </summary>
public sealed class PublisherService(CheeseshopDb db, TrustedPublishingOptions options, ProjectsOptions projects, EventRecorder events,
    TimeProvider clock, ReadCredentialCache readers)
{
    /// <summary>Pending publishers reserve nothing, but each is a standing offer to create a project: few per account.</summary>
    public const int MaxPendingPerUser = 10;

    /// <summary>The project's display name and whether it exists (a publisher for it would be pending otherwise).</summary>
    public async Task<(string Name, bool Exists)> ProjectAsync(string projectName, CancellationToken ct)
    {
        var (project, _) = await FindProjectAsync(projectName, ct);
        return (project?.Name ?? projectName.Trim(), project is not null);
    }

    /// <summary>The issuers publishers may trust, as configured.</summary>
    public IReadOnlyList<ConfiguredIssuer> Issuers => options.All.ToList();

    public async Task<IReadOnlyList<PublisherSummary>> ListAsync(PublisherActor actor, string projectName, CancellationToken ct)
    {
        var (project, normalized) = await FindProjectAsync(projectName, ct);
        if (project is not null) await RequireOwnerAsync(actor, project, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.TrustedPublishers
            .Where(p => project != null ? p.ProjectId == project.Id : p.PendingNormalizedName == normalized)
            .Where(p => project != null || actor.UserId == null || p.AddedById == actor.UserId)
            .OrderBy(p => p.Added)
            .Select(p => new
            {
                Publisher = p,
                AddedBy = db.Users.Where(u => u.Id == p.AddedById).Select(u => u.Username).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var summaries = new List<PublisherSummary>();
        foreach (var r in rows)
            summaries.Add(new PublisherSummary(r.Publisher.Id, r.Publisher.Kind, r.Publisher.Issuer, SpecOf(r.Publisher).Display,
                r.Publisher.ProjectId is null, project?.Name ?? r.Publisher.PendingProjectName!, r.AddedBy, r.Publisher.Added,
                await ValidTokensAsync(r.Publisher, now, ct)));
        return summaries;
    }

    /// <summary>The valid tokens that may upload to the publisher's project: minted through it, or through the same
    /// publisher on another project.</summary>
    private async Task<int> ValidTokensAsync(TrustedPublisher publisher, DateTime now, CancellationToken ct)
    {
        var same = publisher.ProjectId is null ? [publisher.Id] : (await SameAsAsync(db, publisher, ct)).Select(p => p.Id).ToList();
        return await db.ApiTokens.CountAsync(t => t.PublisherId != null && same.Contains(t.PublisherId.Value) && t.Expires > now, ct);
    }

    public async Task<PublisherSummary> AddAsync(PublisherActor actor, string projectName, PublisherInput input, CancellationToken ct)
    {
        var issuer = ResolveIssuer(input);
        var spec = new PublisherSpec(issuer.Kind, Trim(input.Repository), Trim(input.Workflow), Trim(input.Environment),
            Trim(input.Subject), input.ExtraClaims);
        if (PublisherDefinition.Problem(spec) is { } problem) throw AccountException.BadRequest(problem);
        var (project, normalized) = await FindProjectAsync(projectName, ct);
        var row = ToRow(spec, issuer);
        // The operator adding to an existing project registers no account: its tokens act for an Owner.
        User? by;
        if (project is not null)
        {
            by = await RequireOwnerAsync(actor, project, ct);
            row.ProjectId = project.Id;
        }
        else
        {
            by = await RegistrantAsync(actor, ct);
            await RequireMayCreateAsync(actor, by, projectName.Trim(), normalized, ct);
            if (await db.TrustedPublishers.CountAsync(p => p.AddedById == by.Id && p.ProjectId == null, ct) >= MaxPendingPerUser)
                throw AccountException.Conflict($"{by.Username} already has {MaxPendingPerUser} pending publishers; remove one first.");
            row.PendingProjectName = projectName.Trim();
            row.PendingNormalizedName = normalized;
        }
        row.AddedById = by?.Id;
        await RejectDuplicateAsync(row, ct);
        db.TrustedPublishers.Add(row);
        var details = new { publisher = spec.Display, publisher_kind = row.Kind, issuer = row.Issuer, submitted_by = by?.Username, project_name = project?.Name ?? row.PendingProjectName };
        if (project is not null) await events.ProjectEventAsync(project.Id, EventTags.Project.PublisherAdded, actor.UserId, details, ct);
        else await events.UserEventAsync(by!.Id, EventTags.Account.PendingPublisherAdded, details, ct);
        await db.SaveChangesAsync(ct);
        return new PublisherSummary(row.Id, row.Kind, row.Issuer, spec.Display, project is null, details.project_name!, by?.Username, row.Added, 0);
    }

    /// <summary>Removes a publisher and every token it minted (which stop working at once, on every node:
    /// the rows are gone, and this node's read cache forgets them).</summary>
    public async Task<string> RemoveAsync(PublisherActor actor, string projectName, Guid publisherId, CancellationToken ct)
    {
        var (project, normalized) = await FindProjectAsync(projectName, ct);
        if (project is not null) await RequireOwnerAsync(actor, project, ct);
        var row = await db.TrustedPublishers.FirstOrDefaultAsync(p => p.Id == publisherId &&
                      (project != null ? p.ProjectId == project.Id : p.PendingNormalizedName == normalized), ct);
        if (row is null || (project is null && !actor.IsOperator && row.AddedById != actor.UserId))
            throw AccountException.NotFound($"There is no publisher {publisherId} on {projectName.Trim()}.");
        var tokens = await db.ApiTokens.Where(t => t.PublisherId == row.Id).Select(t => t.Id).ToListAsync(ct);
        var display = SpecOf(row).Display;
        db.TrustedPublishers.Remove(row);
        var username = actor.UserId is { } id ? await db.Users.Where(u => u.Id == id).Select(u => u.Username).FirstAsync(ct) : null;
        var details = new { publisher = display, publisher_kind = row.Kind, issuer = row.Issuer, submitted_by = username, project_name = project?.Name ?? row.PendingProjectName };
        if (project is not null) await events.ProjectEventAsync(project.Id, EventTags.Project.PublisherRemoved, actor.UserId, details, ct);
        else if (row.AddedById is { } addedBy) await events.UserEventAsync(addedBy, EventTags.Account.PendingPublisherRemoved, details, ct);
        await db.SaveChangesAsync(ct);
        // The database removes the tokens with the publisher (a cascade); a node's read cache may still hold them.
        foreach (var token in tokens) readers.ForgetToken(token);
        return display;
    }

    public static PublisherSpec SpecOf(TrustedPublisher row)
    {
        PublisherDefinition.TryParseKind(row.Kind, out var kind);
        var extra = JsonSerializer.Deserialize<Dictionary<string, string>>(row.ExtraClaimsJson) ?? [];
        return new PublisherSpec(kind, row.Repository, row.Workflow, row.Environment, row.Subject, extra);
    }

    /// <summary>The projects a publisher is registered on: its own, and every other project with an active publisher
    /// of the same issuer that asks exactly the same of a token. A token minted through it uploads to each of them.</summary>
    public static async Task<List<Guid>> ProjectsOfAsync(CheeseshopDb db, TrustedPublisher publisher, CancellationToken ct) =>
        (await SameAsAsync(db, publisher, ct)).Select(p => p.ProjectId!.Value).Distinct().Order().ToList();

    /// <summary>The projects a token is limited to, for uploads and for reads of a private index alike: none named (null)
    /// for no token or an unscoped one; a scoped token's own; for one a trusted publisher minted, every project that
    /// publisher is registered on now (removing it from one ends that, and removing it altogether leaves none).</summary>
    public static async Task<List<Guid>?> TokenProjectsAsync(CheeseshopDb db, ApiToken? token, CancellationToken ct)
    {
        if (token?.PublisherId is { } publisherId)
        {
            var publisher = await db.TrustedPublishers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == publisherId, ct);
            return publisher is null ? [] : await ProjectsOfAsync(db, publisher, ct);
        }
        return token?.ProjectId is { } projectId ? [projectId] : null;
    }

    /// <summary>The active publishers asking exactly what <paramref name="publisher"/> asks of a token, itself included
    /// once it belongs to a project.</summary>
    private static async Task<List<TrustedPublisher>> SameAsAsync(CheeseshopDb db, TrustedPublisher publisher, CancellationToken ct)
    {
        var spec = SpecOf(publisher);
        // The database keeps only rows whose columns are equal (an issuer may have thousands of publishers); the
        // extra claims, stored as JSON, are compared here on what is left.
        var candidates = await db.TrustedPublishers.AsNoTracking()
            .Where(p => p.Issuer == publisher.Issuer && p.Kind == publisher.Kind && p.ProjectId != null
                && p.Repository == publisher.Repository && p.Workflow == publisher.Workflow
                && p.Environment == publisher.Environment && p.Subject == publisher.Subject)
            .ToListAsync(ct);
        return candidates.Where(p => p.Id == publisher.Id || SpecOf(p).SameAs(spec)).ToList();
    }

    private TrustedPublisher ToRow(PublisherSpec spec, ConfiguredIssuer issuer) => new()
    {
        Id = Guid.NewGuid(), Kind = PublisherDefinition.KindName(spec.Kind), Issuer = issuer.Url,
        Repository = spec.Repository, Workflow = spec.Workflow, Environment = spec.Environment, Subject = spec.Subject,
        ExtraClaimsJson = JsonSerializer.Serialize(new SortedDictionary<string, string>(spec.ExtraClaims.ToDictionary(), StringComparer.Ordinal)),
        Added = clock.GetUtcNow().UtcDateTime,
    };

    /// <summary>The configured issuer a publisher trusts: the one named, whose kind must be the publisher's, or
    /// for GitHub and GitLab the one issuer of that kind.</summary>
    private ConfiguredIssuer ResolveIssuer(PublisherInput input)
    {
        var kindName = PublisherDefinition.KindName(input.Kind);
        if (!string.IsNullOrWhiteSpace(input.Issuer))
        {
            var named = options.Find(input.Issuer.Trim())
                ?? throw AccountException.BadRequest($"'{input.Issuer.Trim()}' is not an issuer this index trusts. Configured: {Configured()}.");
            if (named.Kind != input.Kind)
                throw AccountException.BadRequest($"{named.Url} is configured as a {PublisherDefinition.KindName(named.Kind)} issuer, not {kindName}.");
            return named;
        }
        var ofKind = options.All.Where(i => i.Kind == input.Kind).ToList();
        return ofKind.Count switch
        {
            1 => ofKind[0],
            0 => throw AccountException.BadRequest($"No {kindName} issuer is configured: an administrator adds one as Auth__TrustedPublishing__Issuers__N__Url with __Kind={kindName}."),
            _ => throw AccountException.BadRequest($"Several {kindName} issuers are configured; name one with --issuer. Configured: {Configured()}."),
        };
    }

    private string Configured() => options.Issuers.Count == 0 ? "none" : string.Join(", ", options.All.Select(i => $"{i.Url} ({PublisherDefinition.KindName(i.Kind)})"));

    private async Task<(Project? Project, string Normalized)> FindProjectAsync(string projectName, CancellationToken ct)
    {
        var name = projectName.Trim();
        if (!ProjectName.IsValid(name)) throw AccountException.BadRequest($"'{name}' is not a valid project name.");
        var normalized = ProjectName.Normalize(name);
        return (await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct), normalized);
    }

    /// <summary>The acting Owner (null for the operator, who may manage any project).</summary>
    private async Task<User?> RequireOwnerAsync(PublisherActor actor, Project project, CancellationToken ct)
    {
        if (actor.UserId is not { } userId) return null;
        if (!await db.Roles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == userId && r.RoleName == RoleNames.Owner, ct))
            throw AccountException.Forbidden($"Only Owners of {project.Name} can manage its trusted publishers.");
        return await db.RequireUserAsync(userId, ct);
    }

    /// <summary>The account a publisher is registered by: the signed-in user (with a verified address, as for
    /// API tokens), or the account the operator names with --user.</summary>
    private async Task<User> RegistrantAsync(PublisherActor actor, CancellationToken ct)
    {
        if (actor.UserId is { } userId)
        {
            var user = await db.RequireUserAsync(userId, ct);
            if (!user.HasVerifiedPrimaryEmail())
                throw AccountException.Forbidden("Verify your primary email address before adding a trusted publisher.");
            return user;
        }
        if (string.IsNullOrWhiteSpace(actor.ForUsername))
            throw AccountException.BadRequest("The project does not exist yet: name the account that will own it with --user, and the publisher is registered as pending.");
        return await db.FindLiveUserAsync(actor.ForUsername, ct)
               ?? throw AccountException.NotFound($"No user named '{actor.ForUsername.Trim()}'.");
    }

    /// <summary>A pending publisher creates its project at its first exchange, so it is registered only where an
    /// upload by its registrant could create the project: the Projects:Create rule and the prohibited names. The
    /// operator at the CLI decides as an administrator creating a project for someone else does.</summary>
    private async Task RequireMayCreateAsync(PublisherActor actor, User registrant, string name, string normalized, CancellationToken ct)
    {
        var facts = new CreationFacts(projects.Create, actor.IsOperator || registrant.IsAdmin,
            actor.IsOperator || await db.UserEmails.AnyAsync(e => e.UserId == registrant.Id && e.IsPrimary && e.IsVerified, ct),
            await db.ProhibitedProjectNames.AnyAsync(p => p.Name == normalized, ct));
        if (ProjectCreationRules.CheckNewProject(name, registrant.Username, facts) is { } refused)
            throw refused.Verdict == UploadVerdict.Forbidden ? AccountException.Forbidden(refused.Message) : AccountException.BadRequest(refused.Message);
    }

    private async Task RejectDuplicateAsync(TrustedPublisher row, CancellationToken ct)
    {
        var same = await db.TrustedPublishers.AnyAsync(p => p.Issuer == row.Issuer && p.Kind == row.Kind && p.Repository == row.Repository
            && p.Workflow == row.Workflow && p.Environment == row.Environment && p.Subject == row.Subject && p.ExtraClaimsJson == row.ExtraClaimsJson
            && p.ProjectId == row.ProjectId && p.PendingNormalizedName == row.PendingNormalizedName, ct);
        if (same) throw AccountException.Conflict("This publisher is already registered for this project.");
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? (s is null ? null : "") : s.Trim();
}
