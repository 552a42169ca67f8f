using System.Text;

namespace Cheeseshop.Core.Packaging;

/// <summary>Makes untrusted text (filenames, field values) safe to quote inside an error message
/// that goes straight into an HTTP response, possibly into the status line as PyPI does: anything
/// outside printable ASCII is escaped, and the length is bounded.</summary>
internal static class MessageText
{
    private const int MaxQuotedLength = 120;

    public static string Quote(string? text)
    {
        if (text is null) return "''";
        var sb = new StringBuilder(Math.Min(text.Length, MaxQuotedLength) + 8);
        sb.Append('\'');
        foreach (var c in text.Length > MaxQuotedLength ? text[..MaxQuotedLength] : text)
        {
            if (c is >= ' ' and <= '~') sb.Append(c);
            else sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => $"\\u{(int)c:x4}" });
        }
        if (text.Length > MaxQuotedLength) sb.Append("...");
        sb.Append('\'');
        return sb.ToString();
    }
}
