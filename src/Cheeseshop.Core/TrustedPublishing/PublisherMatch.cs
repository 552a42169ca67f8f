namespace Cheeseshop.Core.TrustedPublishing;

/// <summary>
/// Whether a validated ID token's claims satisfy a publisher. The claims are those GitHub Actions and GitLab
/// CI put in their tokens; each refusal names the claim that did not match (never its secret parts: ID
/// token claims are not secrets, but the token itself is, and it is never echoed).
/// </summary>
public static class PublisherMatch
{
    /// <summary>Null when <paramref name="claims"/> match <paramref name="spec"/>; otherwise what failed.</summary>
    public static string? Mismatch(PublisherSpec spec, IReadOnlyDictionary<string, string> claims) => spec.Kind switch
    {
        IssuerKind.GitHub => GitHub(spec, claims),
        IssuerKind.GitLab => GitLab(spec, claims),
        _ => Generic(spec, claims),
    };

    /// <summary>
    /// GitHub: 'repository' is OWNER/REPO (GitHub names are case-insensitive), and 'job_workflow_ref' names
    /// the workflow that runs: "OWNER/REPO/.github/workflows/FILE@REF". The workflow is taken from
    /// job_workflow_ref rather than 'workflow' (a display name any workflow may choose) so that a reusable
    /// workflow cannot stand in for the trusted one's name.
    /// </summary>
    private static string? GitHub(PublisherSpec spec, IReadOnlyDictionary<string, string> claims)
    {
        if (!claims.TryGetValue("repository", out var repository)) return "the token has no 'repository' claim";
        if (!string.Equals(repository, spec.Repository, StringComparison.OrdinalIgnoreCase))
            return $"'repository' is {repository}, not {spec.Repository}";
        if (!claims.TryGetValue("job_workflow_ref", out var workflowRef)) return "the token has no 'job_workflow_ref' claim";
        var at = workflowRef.LastIndexOf('@');
        var path = at < 0 ? workflowRef : workflowRef[..at];
        var expected = $"{spec.Repository}/.github/workflows/{spec.Workflow}";
        if (at <= 0 || !path.StartsWith(spec.Repository + "/", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(path[(spec.Repository!.Length + 1)..], $".github/workflows/{spec.Workflow}", StringComparison.Ordinal))
            return $"'job_workflow_ref' is {workflowRef}, not {expected}@<ref>";
        return EnvironmentMismatch(spec, claims, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// GitLab: 'project_path' is NAMESPACE/PROJECT, and 'ci_config_ref_uri' is
    /// "HOST/NAMESPACE/PROJECT//PATH@REF": the configuration that defines the job.
    /// </summary>
    private static string? GitLab(PublisherSpec spec, IReadOnlyDictionary<string, string> claims)
    {
        if (!claims.TryGetValue("project_path", out var project)) return "the token has no 'project_path' claim";
        if (!string.Equals(project, spec.Repository, StringComparison.OrdinalIgnoreCase))
            return $"'project_path' is {project}, not {spec.Repository}";
        if (!claims.TryGetValue("ci_config_ref_uri", out var configRef)) return "the token has no 'ci_config_ref_uri' claim";
        var at = configRef.LastIndexOf('@');
        var split = at < 0 ? -1 : configRef.IndexOf("//", StringComparison.Ordinal);
        var ok = split > 0 && split < at
                 && configRef[..split].EndsWith("/" + spec.Repository, StringComparison.OrdinalIgnoreCase)
                 && string.Equals(configRef[(split + 2)..at], spec.Workflow, StringComparison.Ordinal);
        if (!ok) return $"'ci_config_ref_uri' is {configRef}, not <host>/{spec.Repository}//{spec.Workflow}@<ref>";
        return EnvironmentMismatch(spec, claims, StringComparison.Ordinal);
    }

    /// <summary>A generic issuer: the exact 'sub', and each extra claim exactly.</summary>
    private static string? Generic(PublisherSpec spec, IReadOnlyDictionary<string, string> claims)
    {
        if (!claims.TryGetValue("sub", out var sub)) return "the token has no 'sub' claim";
        if (!string.Equals(sub, spec.Subject, StringComparison.Ordinal)) return $"'sub' is {sub}, not {spec.Subject}";
        foreach (var (name, value) in spec.ExtraClaims.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!claims.TryGetValue(name, out var actual)) return $"the token has no '{name}' claim";
            if (!string.Equals(actual, value, StringComparison.Ordinal)) return $"'{name}' is {actual}, not {value}";
        }
        return null;
    }

    /// <summary>A publisher without an environment accepts any (or none); one with an environment requires it.</summary>
    private static string? EnvironmentMismatch(PublisherSpec spec, IReadOnlyDictionary<string, string> claims, StringComparison comparison)
    {
        if (spec.Environment is null) return null;
        if (!claims.TryGetValue("environment", out var environment)) return "the token has no 'environment' claim";
        return string.Equals(environment, spec.Environment, comparison) ? null : $"'environment' is {environment}, not {spec.Environment}";
    }
}
