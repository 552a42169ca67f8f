namespace Cheeseshop.Core;

/// <summary>
/// A set of handlers that must cover a fixed list of keys once each, such as the retention tasks (one
/// per data class) and the disclosure generators (one per category): a key without a handler would
/// silently do nothing, a key with two would do its work twice.
/// </summary>
public static class OnePerKey
{
    /// <summary>What is wrong, one sentence each; empty when every key has exactly one handler and no handler has an unknown key.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<string> keys, IEnumerable<string> handlerKeys, string keyName, string handlerName)
    {
        var expected = keys.ToList();
        var counts = handlerKeys.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        var problems = new List<string>();
        foreach (var key in expected)
        {
            var n = counts.GetValueOrDefault(key);
            if (n != 1) problems.Add($"{keyName} '{key}' has {(n == 0 ? "no" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))} {handlerName}{(n > 1 ? "s" : "")}.");
        }
        foreach (var key in counts.Keys.Where(k => !expected.Contains(k)))
            problems.Add($"A {handlerName} names '{key}', which is not a {keyName}.");
        return problems;
    }

    /// <summary>Throws with every problem when the handlers do not cover the keys exactly once each.</summary>
    public static void Require(IEnumerable<string> keys, IEnumerable<string> handlerKeys, string keyName, string handlerName)
    {
        if (Problems(keys, handlerKeys, keyName, handlerName) is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join(" ", problems));
    }
}
