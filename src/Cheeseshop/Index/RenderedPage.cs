using System.Security.Cryptography;

namespace Cheeseshop.Index;

/// <summary>A response rendered once and served as bytes until its project's serial changes.</summary>
public sealed class RenderedPage
{
    public RenderedPage(string variant, byte[] body, string contentType, long serial)
    {
        Variant = variant;
        Body = body;
        ContentType = contentType;
        Serial = serial;
        // The serial says which change the page reflects; the digest covers everything else that
        // shapes the bytes (the renderer's version, the public URL), so a proxy never keeps a stale copy.
        ETag = $"\"{serial}-{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8))}\"";
        SerialText = serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The serial as the X-PyPI-Last-Serial header value, formatted once.</summary>
    public string SerialText { get; }

    /// <summary>Which representation of the project this is (HTML, JSON, the JSON API for a host ...).</summary>
    public string Variant { get; }

    public byte[] Body { get; }
    public string ContentType { get; }
    public long Serial { get; }
    public string ETag { get; }
}
