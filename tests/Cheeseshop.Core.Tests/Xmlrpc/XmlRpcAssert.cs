using System.Collections;

namespace Cheeseshop.Core.Tests.Xmlrpc;

/// <summary>Deep equality for the XML-RPC value model (lists, ordered maps, byte arrays, NaN).</summary>
internal static class XmlRpcAssert
{
    public static void Equal(object? expected, object? actual, string path = "value")
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual}");
                break;
            case byte[] bytes:
                Assert.Equal(bytes, Assert.IsType<byte[]>(actual));
                break;
            case double d when double.IsNaN(d):
                Assert.True(actual is double a && double.IsNaN(a), $"{path}: expected NaN, got {actual}");
                break;
            case IReadOnlyDictionary<string, object?> map:
                var actualMap = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(actual);
                Assert.Equal(map.Keys.ToList(), actualMap.Keys.ToList()); // order matters
                foreach (var (key, value) in map) Equal(value, actualMap[key], $"{path}.{key}");
                break;
            case IEnumerable list and not string:
                var expectedItems = list.Cast<object?>().ToList();
                var actualItems = Assert.IsAssignableFrom<IReadOnlyList<object?>>(actual);
                Assert.Equal(expectedItems.Count, actualItems.Count);
                for (var i = 0; i < expectedItems.Count; i++) Equal(expectedItems[i], actualItems[i], $"{path}[{i}]");
                break;
            default:
                Assert.Equal(expected.GetType(), actual?.GetType());
                Assert.Equal(expected, actual);
                break;
        }
    }
}
