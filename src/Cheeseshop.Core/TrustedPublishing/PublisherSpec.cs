using System.Text.RegularExpressions;

namespace Cheeseshop.Core.TrustedPublishing;

/// <summary>The kinds of issuer a publisher can trust. The names are the settings' (Auth__TrustedPublishing__Issuers__N__Kind).</summary>
public enum IssuerKind
{
    GitHub,
    GitLab,
    Generic,
}

/// <summary>
/// What a trusted publisher requires of an ID token. GitHub: <see cref="Repository"/> is OWNER/REPO and
/// <see cref="Workflow"/> the workflow's file name; GitLab: NAMESPACE/PROJECT and the path of the CI
/// configuration; generic: an exact <see cref="Subject"/> and any extra claims. <see cref="Environment"/>,
/// when set, is the deployment environment GitHub and GitLab put in the token.
/// </summary>
public sealed record PublisherSpec(
    IssuerKind Kind, string? Repository, string? Workflow, string? Environment, string? Subject,
    IReadOnlyDictionary<string, string> ExtraClaims)
{
    public static PublisherSpec GitHub(string repository, string workflow, string? environment = null) =>
        new(IssuerKind.GitHub, repository, workflow, environment, null, new Dictionary<string, string>());

    public static PublisherSpec GitLab(string project, string ciConfigPath, string? environment = null) =>
        new(IssuerKind.GitLab, project, ciConfigPath, environment, null, new Dictionary<string, string>());

    public static PublisherSpec Generic(string subject, IReadOnlyDictionary<string, string>? extra = null) =>
        new(IssuerKind.Generic, null, null, null, subject, extra ?? new Dictionary<string, string>());

    /// <summary>How pages, the CLI and events name the publisher, e.g. "GitHub octo/cheese, workflow release.yml".</summary>
    public string Display => Kind switch
    {
        IssuerKind.GitHub => $"GitHub {Repository}, workflow {Workflow}" + EnvironmentPart,
        IssuerKind.GitLab => $"GitLab {Repository}, CI config {Workflow}" + EnvironmentPart,
        _ => $"sub {Subject}" + string.Concat(ExtraClaims.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $", {c.Key}={c.Value}")),
    };

    private string EnvironmentPart => Environment is null ? "" : $", environment {Environment}";

    /// <summary>Whether two publishers ask exactly the same of a token: the same publisher, registered on
    /// more than one project (a record's own equality would compare the claim dictionaries by reference).</summary>
    public bool SameAs(PublisherSpec other) =>
        Kind == other.Kind && Repository == other.Repository && Workflow == other.Workflow
        && Environment == other.Environment && Subject == other.Subject
        && ExtraClaims.Count == other.ExtraClaims.Count
        && ExtraClaims.All(c => other.ExtraClaims.TryGetValue(c.Key, out var v) && v == c.Value);
}

/// <summary>The rules of publisher definitions, as the CLI and the publishing page apply them.</summary>
public static partial class PublisherDefinition
{
    public const int MaxValueLength = 200;
    public const int MaxExtraClaims = 10;

    /// <summary>Claims that the token's validation itself decides: a publisher may not also ask for them.</summary>
    private static readonly HashSet<string> ReservedClaims = ["iss", "aud", "exp", "nbf", "iat", "jti", "sub"];

    public static bool TryParseKind(string? text, out IssuerKind kind)
    {
        kind = IssuerKind.Generic;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "github": kind = IssuerKind.GitHub; return true;
            case "gitlab": kind = IssuerKind.GitLab; return true;
            case "generic": return true;
            default: return false;
        }
    }

    public static string KindName(IssuerKind kind) => kind switch
    {
        IssuerKind.GitHub => "github",
        IssuerKind.GitLab => "gitlab",
        _ => "generic",
    };

    /// <summary>Why <paramref name="spec"/> cannot be a publisher, or null when it can.</summary>
    public static string? Problem(PublisherSpec spec)
    {
        foreach (var value in new[] { spec.Repository, spec.Workflow, spec.Environment, spec.Subject }
                     .Concat(spec.ExtraClaims.Keys).Concat(spec.ExtraClaims.Values))
            if (value is not null && (value.Length > MaxValueLength || value.Any(char.IsControl)))
                return $"Each value of a publisher must be at most {MaxValueLength} characters, without control characters.";
        if (spec.Environment is "") return "The environment, when given, must not be empty.";
        return spec.Kind switch
        {
            IssuerKind.GitHub => GitHubProblem(spec),
            IssuerKind.GitLab => GitLabProblem(spec),
            _ => GenericProblem(spec),
        };
    }

    private static string? GitHubProblem(PublisherSpec spec)
    {
        if (spec.Repository is null || !GitHubRepository().IsMatch(spec.Repository))
            return $"'{spec.Repository}' is not a GitHub repository: give OWNER/REPO, e.g. octo-org/cheese.";
        if (spec.Workflow is null || !WorkflowFile().IsMatch(spec.Workflow))
            return $"'{spec.Workflow}' is not a workflow file name: give the file's name under .github/workflows, e.g. release.yml.";
        return null;
    }

    private static string? GitLabProblem(PublisherSpec spec)
    {
        if (spec.Repository is null || !GitLabProject().IsMatch(spec.Repository))
            return $"'{spec.Repository}' is not a GitLab project: give NAMESPACE/PROJECT, e.g. octo-group/cheese.";
        if (string.IsNullOrWhiteSpace(spec.Workflow) || spec.Workflow.StartsWith('/') || spec.Workflow.Contains('@')
            || !(spec.Workflow.EndsWith(".yml", StringComparison.Ordinal) || spec.Workflow.EndsWith(".yaml", StringComparison.Ordinal)))
            return $"'{spec.Workflow}' is not a CI configuration path: give the path in the repository, e.g. .gitlab-ci.yml.";
        return null;
    }

    private static string? GenericProblem(PublisherSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Subject)) return "A publisher of a generic issuer needs the exact 'sub' claim its tokens carry.";
        if (spec.ExtraClaims.Count > MaxExtraClaims) return $"A publisher may require at most {MaxExtraClaims} extra claims.";
        foreach (var name in spec.ExtraClaims.Keys)
        {
            if (!ClaimName().IsMatch(name)) return $"'{name}' is not a claim name: use letters, digits, '_', '-' and '.'.";
            if (ReservedClaims.Contains(name)) return $"The claim '{name}' is checked by the token's validation itself; it cannot be a publisher's extra claim.";
        }
        return null;
    }

    /// <summary>"NAME=VALUE" as the CLI's --claim gives it.</summary>
    public static bool TryParseClaim(string text, out string name, out string value)
    {
        var eq = text.IndexOf('=');
        name = eq > 0 ? text[..eq].Trim() : "";
        value = eq > 0 ? text[(eq + 1)..] : "";
        return eq > 0 && name.Length > 0;
    }

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex GitHubRepository();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\.ya?ml$")]
    private static partial Regex WorkflowFile();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")]
    private static partial Regex GitLabProject();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ClaimName();
}
