using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Upstream;

/// <summary>The upstream index projects not held here are served from (the Upstream section of the settings).</summary>
public sealed class UpstreamOptions : IValidatableObject
{
    public const string Section = "Upstream";

    /// <summary>The upstream's Simple API root, e.g. https://pypi.org/simple/ (any PEP 503/691 index). Unset: no proxy.</summary>
    public string? Url { get; set; }

    /// <summary>How long a fetched upstream page is served before it is asked for again; past it, a page is
    /// still served while the upstream cannot be reached.</summary>
    [Range(1, 30 * 86400)] public int CacheSeconds { get; set; } = 600;

    /// <summary>Longest wait for one upstream request (a page, or a file's whole transfer).</summary>
    [Range(1, 3600)] public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Basic credentials for the upstream (a token: username __token__), sent only to its own host.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public Uri IndexUri() => new(Url!.EndsWith('/') ? Url : Url + "/");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return new ValidationResult($"Url '{Url}' is not an http(s) URL.", [nameof(Url)]);
        else if (!string.IsNullOrEmpty(url.UserInfo))
            yield return new ValidationResult("Url must not hold credentials: set Username and Password instead.", [nameof(Url)]);
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
            yield return new ValidationResult("set both Username and Password, or neither.", [nameof(Username)]);
    }
}
