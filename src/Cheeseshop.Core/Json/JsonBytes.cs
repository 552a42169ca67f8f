using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cheeseshop.Core.Json;

/// <summary>
/// The one way Cheeseshop turns a JSON writer's output into bytes. Non-ASCII text is written as is
/// (Python's json.dumps(ensure_ascii=False) and the readers of these documents expect UTF-8, not
/// \u escapes); callers choose compact or indented output and whether a newline ends the document.
/// </summary>
public static class JsonBytes
{
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    public static byte[] Write(Action<Utf8JsonWriter> write, bool indented = false, bool newline = false, int initialCapacity = 1024)
    {
        var buffer = new ArrayBufferWriter<byte>(initialCapacity);
        using (var w = new Utf8JsonWriter(buffer, indented ? IndentedOptions : CompactOptions)) write(w);
        if (newline) buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
