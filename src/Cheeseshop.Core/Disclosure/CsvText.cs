namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds a comma,
/// a quote or a line break (quotes doubled). Text that a spreadsheet would run as a formula (starting
/// with = + - @ or a tab or carriage return) is prefixed with an apostrophe, because these files are
/// opened in spreadsheets and a user agent or display name is text anyone can choose; the JSON files
/// keep every value exactly.
/// </summary>
public static class CsvText
{
    public const string LineEnd = "\r\n";

    public static void WriteField(TextWriter w, string? value, bool isText)
    {
        if (value is null) return;
        if (isText && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            w.Write(value);
            return;
        }
        w.Write('"');
        w.Write(value.Replace("\"", "\"\""));
        w.Write('"');
    }

    public static void WriteLine(TextWriter w, IReadOnlyList<string?> values, IReadOnlyList<bool> isText)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) w.Write(',');
            WriteField(w, values[i], isText[i]);
        }
        w.Write(LineEnd);
    }
}
