using System.Text.Json;
using Cheeseshop.Core.Json;

namespace Cheeseshop.JsonApi;

/// <summary>JSON as warehouse writes it: compact, keys in sorted order (callers write them so),
/// non-ASCII text left as is, a trailing newline.</summary>
public static class JsonText
{
    public static byte[] Write(Action<Utf8JsonWriter> write) => JsonBytes.Write(write, newline: true);

    /// <summary>Python's isoformat() + "Z": microseconds only when non-zero.</summary>
    public static string IsoTime(DateTime utc)
    {
        var micro = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        return micro == 0 ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss") + "Z" : utc.ToString("yyyy-MM-dd'T'HH:mm:ss") + $".{micro:D6}Z";
    }
}
