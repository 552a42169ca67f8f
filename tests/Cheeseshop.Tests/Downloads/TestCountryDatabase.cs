using System.Net;
using System.Text;

namespace Cheeseshop.Tests.Downloads;

/// <summary>
/// Writes a tiny MaxMind DB (format 2.0, IPv4, 24-bit records) that maps a few networks to country
/// codes in ip-location-db's layout ({"country_code": "NL"}), so the real server's country lookup can
/// be tested without a 8 MB download. Follows the spec at maxmind.github.io/MaxMind-DB.
/// </summary>
public static class TestCountryDatabase
{
    private sealed class Node
    {
        public readonly object?[] Records = new object?[2]; // Node, int (data offset) or null (no data)
        public int Number;
    }

    public static byte[] Build(params (string Network, string Country)[] networks)
    {
        var data = new MemoryStream();
        var root = new Node();
        foreach (var (network, country) in networks)
        {
            var parts = network.Split('/');
            var bits = IPAddress.Parse(parts[0]).GetAddressBytes();
            var prefix = int.Parse(parts[1]);
            var offset = (int)data.Length;
            WriteMap(data, new Dictionary<string, object> { ["country_code"] = country });
            var node = root;
            for (var i = 0; i < prefix; i++)
            {
                var bit = (bits[i / 8] >> (7 - i % 8)) & 1;
                if (i == prefix - 1)
                {
                    node.Records[bit] = offset;
                    break;
                }
                if (node.Records[bit] is not Node next) node.Records[bit] = next = new Node();
                node = next;
            }
        }

        // Number the nodes breadth first; the root is node 0.
        var nodes = new List<Node>();
        var queue = new Queue<Node>([root]);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            n.Number = nodes.Count;
            nodes.Add(n);
            foreach (var r in n.Records) if (r is Node child) queue.Enqueue(child);
        }
        var count = nodes.Count;

        var file = new MemoryStream();
        foreach (var n in nodes)
            foreach (var r in n.Records)
            {
                var value = r switch
                {
                    Node child => child.Number,
                    int offset => count + 16 + offset,
                    _ => count, // "no data here"
                };
                file.WriteByte((byte)(value >> 16));
                file.WriteByte((byte)(value >> 8));
                file.WriteByte((byte)value);
            }
        file.Write(new byte[16]); // the data section separator
        data.Position = 0;
        data.CopyTo(file);
        file.Write([0xAB, 0xCD, 0xEF]);
        file.Write("MaxMind.com"u8);
        WriteMap(file, new Dictionary<string, object>
        {
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["database_type"] = "Cheeseshop-Test-Country",
            ["description"] = new Dictionary<string, object> { ["en"] = "Test networks for Cheeseshop's download tests" },
            ["ip_version"] = (ushort)4,
            ["languages"] = new object[] { "en" },
            ["node_count"] = (uint)count,
            ["record_size"] = (ushort)24,
        });
        return file.ToArray();
    }

    private static void WriteMap(Stream s, Dictionary<string, object> map)
    {
        Control(s, 7, map.Count);
        foreach (var (k, v) in map)
        {
            WriteValue(s, k);
            WriteValue(s, v);
        }
    }

    private static void WriteValue(Stream s, object value)
    {
        switch (value)
        {
            case string text:
                var bytes = Encoding.UTF8.GetBytes(text);
                Control(s, 2, bytes.Length);
                s.Write(bytes);
                break;
            case ushort u16: Unsigned(s, 5, u16); break;
            case uint u32: Unsigned(s, 6, u32); break;
            case ulong u64: Unsigned(s, 9, u64); break;
            case Dictionary<string, object> map: WriteMap(s, map); break;
            case object[] array:
                Control(s, 11, array.Length);
                foreach (var item in array) WriteValue(s, item);
                break;
            default: throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static void Unsigned(Stream s, int type, ulong value)
    {
        var bytes = new List<byte>();
        for (var v = value; v > 0; v >>= 8) bytes.Insert(0, (byte)v);
        Control(s, type, bytes.Count);
        s.Write(bytes.ToArray());
    }

    // Types above 7 are "extended": type 0 in the control byte, then (type - 7) in the next byte.
    // Sizes of 29 and more take one or two extra bytes after that.
    private static void Control(Stream s, int type, int size)
    {
        var (bits, extra) = size switch
        {
            < 29 => (size, Array.Empty<byte>()),
            < 285 => (29, new[] { (byte)(size - 29) }),
            < 65821 => (30, new[] { (byte)((size - 285) >> 8), (byte)(size - 285) }),
            _ => throw new NotSupportedException("sizes this large are not needed here"),
        };
        if (type <= 7) s.WriteByte((byte)((type << 5) | bits));
        else
        {
            s.WriteByte((byte)bits);
            s.WriteByte((byte)(type - 7));
        }
        s.Write(extra);
    }
}
