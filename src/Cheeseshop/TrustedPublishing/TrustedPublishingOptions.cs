using System.ComponentModel.DataAnnotations;
using Cheeseshop.Core.TrustedPublishing;

namespace Cheeseshop.TrustedPublishing;

/// <summary>
/// Trusted Publishing (the Auth:TrustedPublishing section): the audience CI jobs ask their ID tokens for,
/// and the issuers whose tokens are accepted. No issuer is trusted unless it is listed here, and nothing is
/// fetched from any other.
/// </summary>
public sealed class TrustedPublishingOptions : IValidatableObject
{
    public const string Section = "Auth:TrustedPublishing";

    /// <summary>The 'aud' an ID token must carry; GET /_/oidc/audience tells CI jobs what to ask for.</summary>
    [Required, MaxLength(200)]
    public string Audience { get; set; } = "cheeseshop";

    public List<IssuerSetting> Issuers { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Issuers.Count; i++)
        {
            var issuer = Issuers[i];
            if (TokenChecks.IssuerProblem(issuer.Url) is { } problem)
                yield return new ValidationResult($"Auth:TrustedPublishing:Issuers:{i}:Url: {problem}.", [nameof(Issuers)]);
            if (!PublisherDefinition.TryParseKind(issuer.Kind, out _))
                yield return new ValidationResult($"Auth:TrustedPublishing:Issuers:{i}:Kind: '{issuer.Kind}' is not github, gitlab or generic.", [nameof(Issuers)]);
        }
        var twice = Issuers.Where(i => i.Url is not null).GroupBy(i => TokenChecks.NormalizeIssuer(i.Url!)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            yield return new ValidationResult($"Auth:TrustedPublishing:Issuers: '{twice.Key}' is listed more than once.", [nameof(Issuers)]);
    }

    /// <summary>The configured issuer of this URL (compared without a trailing slash), or null.</summary>
    public ConfiguredIssuer? Find(string? url)
    {
        if (url is null) return null;
        var normalized = TokenChecks.NormalizeIssuer(url);
        return All.FirstOrDefault(i => i.Url == normalized);
    }

    public IEnumerable<ConfiguredIssuer> All => Issuers.Select(i =>
    {
        PublisherDefinition.TryParseKind(i.Kind, out var kind);
        return new ConfiguredIssuer(TokenChecks.NormalizeIssuer(i.Url!), kind);
    });
}

public sealed class IssuerSetting
{
    /// <summary>The issuer's URL: its 'iss', and where /.well-known/openid-configuration is found.</summary>
    public string? Url { get; set; }
    /// <summary>github, gitlab or generic: which claims its publishers match.</summary>
    public string? Kind { get; set; } = "generic";
}

public sealed record ConfiguredIssuer(string Url, IssuerKind Kind);
