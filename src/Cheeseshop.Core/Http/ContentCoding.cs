using System.Globalization;

namespace Cheeseshop.Core.Http;

/// <summary>The content codings a cached page is offered in.</summary>
public enum ContentCoding { Identity, Gzip, Brotli }

/// <summary>
/// Accept-Encoding negotiation (RFC 9110, section 12.5.3) over the codings we offer. The client's
/// q-values decide; on a tie Brotli beats gzip (smaller) and both beat identity (fewer bytes for the
/// same work, since a page is compressed once). "*" stands for every coding the header does not
/// name. Identity stays acceptable unless the header refuses it ("identity;q=0", or "*;q=0" without
/// naming it), and it is what a client gets when nothing it accepts is on offer, even when it refused
/// identity: an index page in plain bytes helps a client more than a 406.
/// </summary>
public static class ContentCodingNegotiation
{
    public static string Token(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => "identity",
    };

    public static ContentCoding Choose(string? acceptEncoding)
    {
        // No header: the client did not say, so no coding (RFC 9110). An empty one asks for identity.
        if (string.IsNullOrWhiteSpace(acceptEncoding)) return ContentCoding.Identity;
        double? gzip = null, brotli = null, identity = null, any = null;
        foreach (var part in acceptEncoding.Split(','))
        {
            var pieces = part.Split(';');
            var token = pieces[0].Trim().ToLowerInvariant();
            if (token.Length == 0) continue;
            var q = Quality(pieces);
            switch (token)
            {
                case "gzip" or "x-gzip": gzip = Math.Max(gzip ?? 0, q); break;
                case "br": brotli = Math.Max(brotli ?? 0, q); break;
                case "identity": identity = q; break;
                case "*": any = q; break;
            }
        }
        var br = brotli ?? any ?? 0;
        var gz = gzip ?? any ?? 0;
        // Identity not named, and no "*": acceptable, but below any coding the client did name.
        var id = identity ?? any ?? 0;
        var (best, bestQ) = br >= gz ? (ContentCoding.Brotli, br) : (ContentCoding.Gzip, gz);
        return bestQ > 0 && bestQ >= id ? best : ContentCoding.Identity;
    }

    private static double Quality(string[] pieces)
    {
        for (var i = 1; i < pieces.Length; i++)
        {
            var kv = pieces[i].Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("q", StringComparison.OrdinalIgnoreCase))
                return double.TryParse(kv[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var q) ? Math.Clamp(q, 0, 1) : 0;
        }
        return 1;
    }
}
