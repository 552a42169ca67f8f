using System.Security.Cryptography;

namespace Cheeseshop.Api;

/// <summary>A response rendered once and served as bytes until its project's serial changes.</summary>
public sealed class RenderedPage
{
    public RenderedPage(byte[] body, string contentType, long serial)
    {
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

    public byte[] Body { get; }
    public string ContentType { get; }
    public long Serial { get; }
    public string ETag { get; }
}
