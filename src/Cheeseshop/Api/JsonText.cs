using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cheeseshop.Api;

/// <summary>JSON as warehouse writes it: compact, keys in sorted order (callers write them so),
/// non-ASCII text left as is, a trailing newline.</summary>
public static class JsonText
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options)) write(w);
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Python's isoformat() + "Z": microseconds only when non-zero.</summary>
    public static string IsoTime(DateTime utc)
    {
        var micro = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        return micro == 0 ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss") + "Z" : utc.ToString("yyyy-MM-dd'T'HH:mm:ss") + $".{micro:D6}Z";
    }
}
