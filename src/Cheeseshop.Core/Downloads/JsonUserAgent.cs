using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// Agents that carry their details as JSON: pip 6+ and uv (<c>pip/18.0 {json}</c>,
/// <c>uv/0.1.22 {json}</c>) and Hatch (<c>Hatch/1.15.0 {json} HTTPX/0.27.0</c>).
/// The JSON is read into <see cref="InstallerDetails"/> the way linehaul's cattrs structuring
/// does: unknown keys are ignored, string fields take a scalar's text, <c>ci</c> takes a
/// value's truthiness, and a part of the wrong kind (a list where an object belongs) makes
/// the whole agent unparsable. One deliberate difference: cattrs would store the Python
/// repr of an object or list found in a string field; we call such an agent unparsable.
/// </summary>
internal static class JsonUserAgent
{
    // Python's json nests far deeper; 64 is plenty for any real agent and input is capped anyway.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary><c>pip/VERSION JSON</c> for pip 6 and later (the format pip 6.0 introduced).</summary>
    public static InstallerDetails? TryPip(string userAgent) => TryVersionThenJson(userAgent, "pip/", "6");

    /// <summary><c>uv/VERSION JSON</c> for uv 0.1.22 and later.</summary>
    public static InstallerDetails? TryUv(string userAgent) => TryVersionThenJson(userAgent, "uv/", "0.1.22");

    /// <summary>
    /// <c>Hatch/VERSION JSON HTTPX/VERSION</c>: string values may hold spaces, so the payload is
    /// taken from the first "{" to the last "}".
    /// </summary>
    public static InstallerDetails? TryHatch(string userAgent)
    {
        if (!userAgent.StartsWith("Hatch/", StringComparison.Ordinal)) return null;
        var start = userAgent.IndexOf('{');
        var end = userAgent.LastIndexOf('}');
        if (start < 0 || end < start) return null;
        return FromJson(userAgent[start..(end + 1)]);
    }

    private static InstallerDetails? TryVersionThenJson(string userAgent, string prefix, string minimumVersion)
    {
        if (!userAgent.StartsWith(prefix, StringComparison.Ordinal)) return null;

        // Split like Python's str.split(maxsplit=1): first word, then the rest minus leading blanks.
        var wordEnd = 0;
        while (wordEnd < userAgent.Length && !IsPythonWhitespace(userAgent[wordEnd])) wordEnd++;
        var restStart = wordEnd;
        while (restStart < userAgent.Length && IsPythonWhitespace(userAgent[restStart])) restStart++;

        var version = InstallerVersion.TryParse(userAgent[prefix.Length..wordEnd]);
        if (version is null || !version.AtLeast(minimumVersion)) return null;
        if (restStart == userAgent.Length) return null;
        return FromJson(userAgent[restStart..]);
    }

    // Python's str.isspace(): .NET's white space plus the four ASCII information separators.
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1C' and <= '\x1F';

    private static InstallerDetails? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            var root = Fields(document.RootElement);

            return new InstallerDetails(
                Installer: Part(root, "installer", o => new Installer(Text(o, "name"), Text(o, "version"))),
                Python: Text(root, "python"),
                Implementation: Part(root, "implementation", o => new Implementation(Text(o, "name"), Text(o, "version"))),
                Distro: Part(root, "distro", o => new Distro(
                    Text(o, "name"),
                    Text(o, "version"),
                    Text(o, "id"),
                    Part(o, "libc", l => new Libc(Text(l, "lib"), Text(l, "version"))))),
                System: Part(root, "system", o => new SystemInfo(Text(o, "name"), Text(o, "release"))),
                Cpu: Text(root, "cpu"),
                OpensslVersion: Text(root, "openssl_version"),
                SetuptoolsVersion: Text(root, "setuptools_version"),
                RustcVersion: Text(root, "rustc_version"),
                Ci: Truthiness(root.GetValueOrDefault("ci")));
        }
        catch (JsonException)
        {
            return null;
        }
        catch (WrongShapeException)
        {
            return null;
        }
    }

    /// <summary>
    /// An object's members by name, read once; a repeated key keeps its last value (as in
    /// Python's json), and explicit nulls are dropped, since cattrs treats them as absent.
    /// </summary>
    private static Dictionary<string, JsonElement> Fields(JsonElement obj)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null) fields.Remove(property.Name);
            else fields[property.Name] = property.Value;
        }
        return fields;
    }

    private static T? Part<T>(Dictionary<string, JsonElement> parent, string name, Func<Dictionary<string, JsonElement>, T> read)
        where T : class
    {
        if (!parent.TryGetValue(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.Object ? read(Fields(value)) : throw new WrongShapeException();
    }

    /// <summary>A string field: strings as they are, other scalars as Python's str() prints them.</summary>
    private static string? Text(Dictionary<string, JsonElement> parent, string name)
    {
        if (!parent.TryGetValue(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Number => PythonNumberText(value.GetRawText()),
            _ => throw new WrongShapeException(),
        };
    }

    // JSON integers become Python ints and reals Python floats; str() of each.
    private static string PythonNumberText(string raw) =>
        raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0
            ? BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
            : Xmlrpc.PythonFloatFormat.Repr(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>cattrs structures <c>Optional[bool]</c> with Python's bool(): truthiness, not type.</summary>
    private static bool? Truthiness(JsonElement value) => value switch
    {
        { ValueKind: JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } v => v.GetString()!.Length > 0,
        // A number too large for a double is certainly not zero.
        { ValueKind: JsonValueKind.Number } v => !v.TryGetDouble(out var number) || number != 0,
        { ValueKind: JsonValueKind.Array } v => v.GetArrayLength() > 0,
        { ValueKind: JsonValueKind.Object } v => v.EnumerateObject().Any(),
        _ => null,
    };

    private sealed class WrongShapeException : Exception;
}
