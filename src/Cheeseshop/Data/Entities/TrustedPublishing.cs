namespace Cheeseshop.Data.Entities;

/// <summary>
/// A trusted publisher: a CI identity (an issuer and the claims its ID tokens must carry) that may exchange
/// its token for a short-lived upload token for one project. A pending publisher names a project that does
/// not exist yet (<see cref="ProjectId"/> null, <see cref="PendingProjectName"/> set); its first use creates
/// the project, owned by the account that registered it.
/// </summary>
public sealed class TrustedPublisher
{
    public Guid Id { get; set; }
    public Guid? ProjectId { get; set; }
    /// <summary>The project's name as given, for a pending publisher; its PEP 503 form is <see cref="PendingNormalizedName"/>.</summary>
    public string? PendingProjectName { get; set; }
    public string? PendingNormalizedName { get; set; }
    /// <summary>"github", "gitlab" or "generic" (Core.TrustedPublishing.PublisherDefinition.KindName).</summary>
    public required string Kind { get; set; }
    /// <summary>The issuer URL without a trailing slash, as configured.</summary>
    public required string Issuer { get; set; }
    /// <summary>GitHub OWNER/REPO or GitLab NAMESPACE/PROJECT.</summary>
    public string? Repository { get; set; }
    /// <summary>GitHub workflow file name or GitLab CI configuration path.</summary>
    public string? Workflow { get; set; }
    public string? Environment { get; set; }
    /// <summary>A generic issuer's exact 'sub'.</summary>
    public string? Subject { get; set; }
    /// <summary>A generic issuer's extra claims, a JSON object of name to value.</summary>
    public string ExtraClaimsJson { get; set; } = "{}";
    /// <summary>The account that registered it (null once that account is deleted).</summary>
    public Guid? AddedById { get; set; }
    public DateTime Added { get; set; }
}

/// <summary>
/// An ID token that has been exchanged: its issuer and 'jti', kept as a SHA-256 key until the token
/// itself has expired, so that the same token can never mint twice.
/// </summary>
public sealed class UsedIdToken
{
    /// <summary>Hex SHA-256 of issuer, a newline and jti.</summary>
    public required string Key { get; set; }
    public DateTime Expires { get; set; }
}
