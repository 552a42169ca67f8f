namespace Cheeseshop.Core.Upstream;

/// <summary>The proxy's rules of trust toward an upstream.</summary>
public static class UpstreamRules
{
    /// <summary>A redirect is followed only to https, or to the same scheme, host and port it came from: an
    /// upstream cannot send the proxy to a plain-http host of its choosing (or one inside this network).</summary>
    public static bool MayFollow(Uri from, Uri to) => to.Scheme == Uri.UriSchemeHttps || SameOrigin(from, to);

    /// <summary>The same scheme, host (without case) and port: where the upstream's credentials may go.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>The upstream URL of a project's page: the index URL with the normalized name and a slash.</summary>
    public static Uri ProjectUrl(Uri index, string normalized) =>
        new(index.AbsoluteUri.EndsWith('/') ? index : new Uri(index.AbsoluteUri + "/"), normalized + "/");

    /// <summary>The index URL as clients may see it (in a <c>tracks</c> declaration or a message): without
    /// credentials.</summary>
    public static string Public(Uri url) => new UriBuilder(url) { UserName = "", Password = "" }.Uri.AbsoluteUri;
}
