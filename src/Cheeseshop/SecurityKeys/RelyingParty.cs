using Cheeseshop.Configuration;
using Cheeseshop.JsonApi;
using Fido2NetLib;

namespace Cheeseshop.SecurityKeys;

/// <summary>
/// Who the browser is asked to sign for: this index's origin and, as the relying party id, its host. Both come
/// from PublicUrl when it is set (behind a proxy the request's own host may be an internal name), else from
/// the request, as every absolute URL of the index does. A key registered under one host does not sign for
/// another: moving the index to a new host name means registering keys again.
/// </summary>
public sealed record RelyingParty(string Origin, string Id)
{
    public const string Name = "Cheeseshop";

    public static RelyingParty Of(HttpContext http)
    {
        var origin = new Uri(JsonApiEndpoints.Origin(http, http.RequestServices.GetRequiredService<CheeseshopOptions>()));
        return new RelyingParty(origin.GetLeftPart(UriPartial.Authority), origin.Host);
    }

    public IFido2 Fido2() => new Fido2(new Fido2Configuration
    {
        RPID = Id,
        RPName = Name,
        Origins = new HashSet<string>(StringComparer.Ordinal) { Origin },
    });
}
