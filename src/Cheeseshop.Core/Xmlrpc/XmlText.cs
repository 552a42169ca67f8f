using System.Text;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Text escaping as CPython's xmlrpc.client does it (only &amp;, &lt; and &gt;; quotes stay raw),
/// plus one deliberate difference: characters XML 1.0 cannot carry are dropped. Python would
/// write them and produce a document no parser accepts; PyPI deletes them from journal text
/// before they reach the marshaller, and we do it for every string so no response is invalid.
/// </summary>
internal static class XmlText
{
    public static void AppendEscaped(StringBuilder output, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&':
                    output.Append("&amp;");
                    break;
                case '<':
                    output.Append("&lt;");
                    break;
                case '>':
                    output.Append("&gt;");
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        // A well-formed pair is a legal supplementary-plane character.
                        output.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (IsLegalBmpChar(c))
                    {
                        output.Append(c);
                    }
                    // Otherwise (C0 controls, U+FFFE/U+FFFF, lone surrogates) the character is dropped.
                    break;
            }
        }
    }

    /// <summary>XML 1.0 Char production restricted to one UTF-16 unit (surrogates excluded).</summary>
    private static bool IsLegalBmpChar(char c) =>
        c == '\t' || c == '\n' || c == '\r'
        || (c >= '\u0020' && c <= '\uD7FF')
        || (c >= '\uE000' && c <= '\uFFFD');
}
