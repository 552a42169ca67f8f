using Cheeseshop.Configuration;

namespace Cheeseshop.Accounts;

/// <summary>
/// Absolute links for emails. PublicUrl, when the operator set it, wins: behind a proxy the request's
/// own Host may be internal, and a link built from a client-supplied Host header could point a reset
/// link at someone else's site. Without it, the request's scheme and host are used.
/// </summary>
public sealed class AccountLinks(CheeseshopOptions options, Hosting.CurrentRequest request)
{
    public string Absolute(string pathAndQuery)
    {
        string root;
        if (!string.IsNullOrWhiteSpace(options.PublicUrl)) root = options.PublicUrl.TrimEnd('/');
        else if (request.Context is { } ctx) root = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}";
        else root = "http://127.0.0.1:8000";
        return root + pathAndQuery;
    }
}
