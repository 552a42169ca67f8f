using Cheeseshop.Core.Http;

namespace Cheeseshop.Core.Tests.Http;

/// <summary>Accept-Encoding as a table: the header a client sends, and the coding a cached page goes out in.</summary>
public sealed class ContentCodingNegotiationTests
{
    [Theory]
    // No header, or an empty one: the plain bytes.
    [InlineData(null, ContentCoding.Identity)]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("  ", ContentCoding.Identity)]
    // What clients send: pip and requests ("gzip, deflate"), urllib3 with brotli, curl --compressed, browsers.
    [InlineData("gzip, deflate", ContentCoding.Gzip)]
    [InlineData("gzip,deflate", ContentCoding.Gzip)]
    [InlineData("gzip,deflate,br", ContentCoding.Brotli)]
    [InlineData("deflate, gzip, br, zstd", ContentCoding.Brotli)]
    [InlineData("gzip, deflate, br, zstd", ContentCoding.Brotli)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("deflate", ContentCoding.Identity)] // not offered
    [InlineData("zstd, compress", ContentCoding.Identity)]
    // Tokens are case-insensitive; x-gzip is gzip; spaces around the parameters do not matter.
    [InlineData("GZIP", ContentCoding.Gzip)]
    [InlineData("x-gzip", ContentCoding.Gzip)]
    [InlineData("Br", ContentCoding.Brotli)]
    [InlineData(" br ; q = 0.5 , gzip ; q=0.4", ContentCoding.Brotli)]
    // q-values decide; a tie prefers Brotli to gzip.
    [InlineData("gzip;q=1.0, br;q=0.8", ContentCoding.Gzip)]
    [InlineData("br;q=0.8, gzip;q=0.9", ContentCoding.Gzip)]
    [InlineData("gzip;q=0.5, br;q=0.5", ContentCoding.Brotli)]
    [InlineData("br;Q=0.2, gzip;q=0.1", ContentCoding.Brotli)]
    // q=0 refuses a coding.
    [InlineData("gzip;q=0", ContentCoding.Identity)]
    [InlineData("br;q=0, gzip", ContentCoding.Gzip)]
    [InlineData("br;q=0.000, gzip;q=0.001", ContentCoding.Gzip)]
    // An unreadable q-value counts as a refusal, not as a preference.
    [InlineData("br;q=high, gzip", ContentCoding.Gzip)]
    // Identity, when named, competes on its q-value; a tie goes to the compressed bytes.
    [InlineData("gzip;q=0.5, identity", ContentCoding.Identity)]
    [InlineData("gzip;q=0.5, identity;q=0.5", ContentCoding.Gzip)]
    [InlineData("identity;q=0.9, br", ContentCoding.Brotli)]
    // Not named, identity is acceptable but below any coding the client named.
    [InlineData("gzip;q=0.1", ContentCoding.Gzip)]
    // identity;q=0 refuses the plain bytes; when nothing else is acceptable they are still sent (no 406).
    [InlineData("gzip, identity;q=0", ContentCoding.Gzip)]
    [InlineData("identity;q=0", ContentCoding.Identity)]
    [InlineData("deflate, identity;q=0", ContentCoding.Identity)]
    // "*" covers every coding the header does not name, identity included.
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("*;q=0", ContentCoding.Identity)]
    [InlineData("br;q=0, *", ContentCoding.Gzip)]
    [InlineData("gzip;q=0, br;q=0, *", ContentCoding.Identity)]
    [InlineData("identity, *;q=0.5", ContentCoding.Identity)]
    [InlineData("gzip, *;q=0", ContentCoding.Gzip)]
    [InlineData("identity;q=0.1, *;q=0.2", ContentCoding.Brotli)]
    // The same coding twice: the higher q-value counts.
    [InlineData("gzip;q=0.1, gzip;q=0.9, br;q=0.5", ContentCoding.Gzip)]
    // Empty elements (a trailing comma) are skipped.
    [InlineData("gzip,, ,", ContentCoding.Gzip)]
    public void Chooses(string? acceptEncoding, ContentCoding expected) =>
        Assert.Equal(expected, ContentCodingNegotiation.Choose(acceptEncoding));

    [Theory]
    [InlineData(ContentCoding.Identity, "identity")]
    [InlineData(ContentCoding.Gzip, "gzip")]
    [InlineData(ContentCoding.Brotli, "br")]
    public void Names_each_coding_by_its_registered_token(ContentCoding coding, string token) =>
        Assert.Equal(token, ContentCodingNegotiation.Token(coding));
}
