using System.Text;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Core.Packaging;
using CsCheck;

namespace Cheeseshop.Core.Tests.Properties;

/// <summary>
/// Laws that must hold for every input, checked on thousands of generated ones (CsCheck shrinks a
/// failure to the smallest input that still fails and prints it with a seed that replays it).
/// </summary>
public sealed class PropertyTests
{
    /// <summary>A PEP 440 version in one of the many spellings the standard accepts for the same version.</summary>
    private static readonly Gen<string> Versions =
        from epoch in Gen.Int[0, 2]
        from release in Gen.Long[0, 30].Array[1, 4]
        from pre in Gen.OneOf("", "a", "b", "rc", "alpha", "beta", "c", "pre", "preview").Select(Gen.Long[0, 12])
        from post in Gen.OneOf("", ".post", "-post", "post", "-", ".rev", "r").Select(Gen.Long[0, 5])
        from dev in Gen.OneOf("", ".dev", "dev", "-dev").Select(Gen.Long[0, 5])
        from local in Gen.String[Gen.Char["abc019"], 1, 4].Array[0, 3]
        from upper in Gen.Bool
        from v in Gen.Bool
        select Spell(epoch, release, pre, post, dev, local, upper, v);

    private static string Spell(int epoch, long[] release, (string Label, long N) pre, (string Marker, long N) post,
        (string Marker, long N) dev, string[] local, bool upper, bool v)
    {
        var sb = new StringBuilder();
        if (v) sb.Append('v');
        if (epoch > 0) sb.Append(epoch).Append('!');
        sb.Append(string.Join('.', release));
        if (pre.Label.Length > 0) sb.Append(pre.Label).Append(pre.N);
        // "1.0-5" is a post-release only as the bare "-N" form.
        if (post.Marker.Length > 0) sb.Append(post.Marker).Append(post.N);
        if (dev.Marker.Length > 0) sb.Append(dev.Marker).Append(dev.N);
        if (local.Length > 0) sb.Append('+').Append(string.Join('.', local));
        var text = sb.ToString();
        return upper ? text.ToUpperInvariant() : text;
    }

    [Fact]
    public void A_version_survives_formatting_and_parsing_again() =>
        Versions.Sample(text =>
        {
            var parsed = PackageVersion.Parse(text);
            var normal = parsed.ToString();
            var again = PackageVersion.Parse(normal);
            Assert.Equal(normal, again.ToString());
            Assert.Equal(parsed, again);
            Assert.Equal(parsed.GetHashCode(), again.GetHashCode());
        });

    [Fact]
    public void Version_order_is_a_total_order_consistent_with_equality() =>
        Gen.Select(Versions, Versions, Versions).Sample((x, y, z) =>
        {
            var (a, b, c) = (PackageVersion.Parse(x), PackageVersion.Parse(y), PackageVersion.Parse(z));
            Assert.Equal(Math.Sign(a.CompareTo(b)), -Math.Sign(b.CompareTo(a)));
            Assert.Equal(a.CompareTo(b) == 0, a.Equals(b));
            if (a.Equals(b)) Assert.Equal(a.GetHashCode(), b.GetHashCode());
            if (a <= b && b <= c) Assert.True(a <= c, $"{a} <= {b} <= {c} but not {a} <= {c}");
            Assert.Equal(0, a.CompareTo(a));
        });

    [Fact]
    public void Name_normalization_is_idempotent_and_its_result_is_normalized() =>
        Gen.String[Gen.Char["AaBbZz09-_."], 0, 20].Sample(name =>
        {
            var once = ProjectName.Normalize(name);
            Assert.Equal(once, ProjectName.Normalize(once));
            Assert.True(ProjectName.IsNormalized(once), $"'{once}' (from '{name}') is not normalized");
            Assert.Equal(once, ProjectName.Normalize(name.ToUpperInvariant()));
        });

    [Fact]
    public void The_zip_writer_gives_the_same_bytes_for_the_same_entries() =>
        Gen.Select(Gen.String[Gen.Char["abc/é"], 1, 12], Gen.Byte.Array[0, 3000]).Array[0, 6].Sample(entries =>
        {
            var unique = entries.Where(e => !e.Item1.StartsWith('/') && !e.Item1.EndsWith('/') && !e.Item1.Contains("//"))
                .DistinctBy(e => e.Item1).ToArray();
            var when = new DateTime(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);
            Assert.Equal(Zip(when, unique), Zip(when, unique));
        }, iter: 200);

    private static byte[] Zip(DateTime when, (string Path, byte[] Content)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new DeterministicZipWriter(output, when))
            foreach (var (path, content) in entries) zip.Add(path, new MemoryStream(content));
        return output.ToArray();
    }
}
