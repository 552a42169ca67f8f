using System.Text;

namespace Cheeseshop.Core.Packaging;

/// <summary>
/// Reads METADATA / PKG-INFO text the way Python's email.parser (compat32, which the packaging
/// library uses) splits it: "Name: value" header lines, continuation lines that start with a space
/// or tab, the header block ending at the first empty line (or the first line that is neither a
/// header nor a continuation), and everything after it the body.
/// </summary>
internal static class MetadataHeaderParser
{
    public sealed record Result(List<KeyValuePair<string, string>> Fields, string Body);

    private static readonly char[] LineEnds = ['\r', '\n'];

    public static Result Parse(string text)
    {
        // A byte order mark is not part of the first field name.
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];

        var fields = new List<KeyValuePair<string, string>>();
        string? name = null;
        string first = "";
        var continuations = new List<string>();

        void Flush()
        {
            // email.parser accepts a header with an empty name (":value"); it names no field, so it is dropped.
            if (name is null || name.Length == 0)
            {
                name = null;
                continuations.Clear();
                return;
            }
            var canonical = CoreMetadataFields.Canonical(name);
            fields.Add(new(canonical, Unfold(canonical, first, continuations)));
            name = null;
            continuations.Clear();
        }

        var position = 0;
        var body = "";
        while (position < text.Length)
        {
            // email.parser treats \r\n, \r and \n alike as line ends; the body is kept as written.
            var end = text.IndexOfAny(LineEnds, position);
            var line = end < 0 ? text[position..] : text[position..end];
            var next = end < 0 ? text.Length : end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);

            if (line.Length == 0)
            {
                // The blank line ends the headers and is not part of the body.
                body = text[next..];
                break;
            }
            if (line[0] is ' ' or '\t')
            {
                // A continuation before any header has nothing to continue; email.parser drops it too.
                if (name is not null) continuations.Add(line);
                position = next;
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon < 0 || !IsFieldName(line.AsSpan(0, colon)))
            {
                // Not a header: the headers end here and this line starts the body.
                body = text[position..];
                break;
            }
            Flush();
            name = line[..colon];
            first = line[(colon + 1)..].TrimStart(' ', '\t');
            position = next;
        }
        Flush();
        return new Result(fields, body);
    }

    // RFC 822 field names: printable ASCII except space and ':'.
    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        foreach (var c in name) if (c is < '!' or > '~') return false;
        return true;
    }

    private static string Unfold(string canonicalName, string first, List<string> continuations)
    {
        if (continuations.Count == 0) return first.TrimEnd();
        if (!CoreMetadataFields.KeepsLineBreaks(canonicalName))
        {
            // A folded single-line field: RFC 822 unfolding, as twine (pkginfo) sends it.
            var parts = new[] { first }.Concat(continuations).Select(p => p.Trim()).Where(p => p.Length > 0);
            return string.Join(' ', parts);
        }
        return UnfoldKeepingLines(first, continuations);
    }

    /// <summary>
    /// Description (and License) folded over several lines: setuptools/distutils indent every
    /// continuation line with 8 spaces; Metadata 1.2 (PEP 345) and distlib put a '|' after 7 or 8
    /// spaces so that empty and indented lines survive. The pipe form is recognised only when every
    /// continuation line has it, so a 1.0-style text whose lines merely start with '|' stays intact.
    /// </summary>
    private static string UnfoldKeepingLines(string first, List<string> continuations)
    {
        var pipeStyle = continuations.All(l => PipeIndex(l) >= 0);
        var sb = new StringBuilder(first);
        foreach (var line in continuations)
        {
            sb.Append('\n');
            sb.Append(pipeStyle ? line[(PipeIndex(line) + 1)..] : RemoveIndent(line));
        }
        return sb.ToString();
    }

    private static int PipeIndex(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t') i++;
        return i > 0 && i < line.Length && line[i] == '|' ? i : -1;
    }

    // Up to 8 spaces (or one tab) are folding; anything beyond is the text's own indentation.
    private static string RemoveIndent(string line)
    {
        if (line.StartsWith('\t')) return line[1..];
        var i = 0;
        while (i < 8 && i < line.Length && line[i] == ' ') i++;
        return line[i..];
    }
}
