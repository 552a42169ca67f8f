using System.Text;

namespace Cheeseshop.Core.Audit;

/// <summary>
/// Client-supplied text (a path, a filename, a header) on its way into a log line. A client may send
/// kilobytes of it, and a line that holds all of it lets one request flood the log; control characters
/// could forge a line. So a log keeps a short prefix, escaped, and says how long the whole was.
/// </summary>
public static class LogText
{
    public const int DefaultMaxChars = 100;

    /// <summary>Everything <see cref="Prefix"/> writes as \uXXXX: control characters, surrogates and the
    /// Unicode line and paragraph separators.</summary>
    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x10000).Select(i => (char)i)
            .Where(c => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029').ToArray());

    public static string Prefix(string? value, int maxChars = DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        if (value is null) return "-";
        // The usual case, a short clean value, is logged as it is without a copy.
        if (value.Length <= maxChars && !value.AsSpan().ContainsAny(Escaped)) return value;
        var sb = new StringBuilder(Math.Min(value.Length, maxChars) + 24);
        foreach (var c in value.Length > maxChars ? value.AsSpan(0, maxChars) : value)
        {
            if (Escaped.Contains(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (value.Length > maxChars) sb.Append($"...({value.Length} chars)");
        return sb.ToString();
    }
}
