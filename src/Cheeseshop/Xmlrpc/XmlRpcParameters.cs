using Cheeseshop.Core.Xmlrpc;

namespace Cheeseshop.Xmlrpc;

/// <summary>
/// Checks a call's arguments against a method's signature before the method runs, producing
/// warehouse's -32602 fault text ("client error; serial: Input should be a valid integer").
/// </summary>
public sealed class XmlRpcParameters(IReadOnlyList<object?> given)
{
    private readonly List<string> _problems = [];
    private int _index;

    public string String(string name) => Take(name, required: true, v => v as string, "a valid string") ?? "";
    public long Integer(string name) => Take(name, required: true, v => v is int or long ? Convert.ToInt64(v) : (long?)null, "a valid integer") ?? 0;
    public bool Boolean(string name, bool fallback) => Take(name, required: false, v => v as bool?, "a valid boolean") ?? fallback;
    public IReadOnlyList<string> StringList(string name) =>
        Take(name, required: true, v => v is IEnumerable<object?> list && list.All(x => x is string) ? list.Cast<string>().ToList() : null, "a valid list") ?? [];

    private T? Take<T>(string name, bool required, Func<object?, T?> convert, string what)
    {
        var i = _index++;
        if (i >= given.Count)
        {
            if (required) _problems.Add($"{name}: Missing required argument");
            return default;
        }
        var value = convert(given[i]);
        if (value is null) _problems.Add($"{name}: Input should be {what}");
        return value;
    }

    /// <summary>Null when the call matched the signature; otherwise the fault to send.</summary>
    public XmlRpcFault? Problems()
    {
        for (var i = _index; i < given.Count; i++) _problems.Add($"{i}: Unexpected positional argument");
        return _problems.Count == 0 ? null : XmlRpcFault.InvalidParams(_problems);
    }
}
