using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class PackageVersionTests
{
    // Sorted in PEP 440 order, as in the packaging library's test suite (tests/test_version.py).
    public static readonly string[] SortedVersions =
    [
        // Implicit epoch of 0
        "1.0.dev0", "1.0.dev456", "1.0.dev456+local", "1.0a0", "1.0a0.post0.dev0", "1.0a0.post0",
        "1.0a1.dev1", "1.0a1.dev1+local", "1.0a1", "1.0a1+local", "1.0b0", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0b2-346", "1.0rc0", "1.0rc1.dev1", "1.0c1", "1.0rc2",
        "1.0", "1.0.post0.dev0", "1.0.post0", "1.0.post456.dev34", "1.0.post456", "1.0.post456+local",
        "1.0.1.dev1", "1.0.1a1", "1.0.1", "1.0.1+local", "1.0.1.post1", "1.1.dev1",
        "1.2+a", "1.2+abc", "1.2+abcdef", "1.2+def", "1.2+0", "1.2+1", "1.2+1.abc", "1.2+1.1", "1.2+1.1.0",
        "1.2+2", "1.2+123", "1.2+123456", "1.2.r32+123456", "1.2.rev33+123456",
        // Explicit epoch of 1
        "1!1.0.dev0", "1!1.0.dev456", "1!1.0.dev456+local", "1!1.0a0", "1!1.0a0.post0.dev0", "1!1.0a0.post0",
        "1!1.0a1.dev1", "1!1.0a1.dev1+local", "1!1.0a1", "1!1.0a1+local", "1!1.0b0", "1!1.0b1.dev456", "1!1.0b2",
        "1!1.0b2.post345.dev456", "1!1.0b2.post345", "1!1.0b2-346", "1!1.0rc0", "1!1.0rc1.dev1", "1!1.0c1", "1!1.0rc2",
        "1!1.0", "1!1.0.post0.dev0", "1!1.0.post0", "1!1.0.post456.dev34", "1!1.0.post456", "1!1.0.post456+local",
        "1!1.0.1.dev1", "1!1.0.1a1", "1!1.0.1", "1!1.0.1+local", "1!1.0.1.post1", "1!1.1.dev1",
        "1!1.2+a", "1!1.2+abc", "1!1.2+abcdef", "1!1.2+def", "1!1.2+0", "1!1.2+1", "1!1.2+1.abc", "1!1.2+1.1", "1!1.2+1.1.0",
        "1!1.2+2", "1!1.2+123", "1!1.2+123456", "1!1.2.r32+123456", "1!1.2.rev33+123456",
    ];

    // The examples of PEP 440's "Summary of permitted suffixes and relative ordering", in order.
    public static readonly string[] Pep440SummaryOrder =
    [
        "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7",
        "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    ];

    [Fact]
    public void EveryPairOfTheSortedListIsOrdered()
    {
        var versions = SortedVersions.Select(PackageVersion.Parse).ToArray();
        for (var i = 0; i < versions.Length; i++)
        {
            for (var j = 0; j < versions.Length; j++)
            {
                var expected = i.CompareTo(j);
                var actual = Math.Sign(versions[i].CompareTo(versions[j]));
                Assert.True(expected == actual, $"{SortedVersions[i]} vs {SortedVersions[j]}: expected {expected}, got {actual}");
                Assert.Equal(i < j, versions[i] < versions[j]);
                Assert.Equal(i <= j, versions[i] <= versions[j]);
                Assert.Equal(i > j, versions[i] > versions[j]);
                Assert.Equal(i >= j, versions[i] >= versions[j]);
                Assert.Equal(i == j, versions[i].Equals(versions[j]));
            }
        }
    }

    [Fact]
    public void Pep440SummaryExamplesAreInOrder()
    {
        var versions = Pep440SummaryOrder.Select(PackageVersion.Parse).ToArray();
        for (var i = 0; i + 1 < versions.Length; i++)
            Assert.True(versions[i] < versions[i + 1], $"{versions[i]} < {versions[i + 1]}");
    }

    [Fact]
    public void ShuffledListSortsBack()
    {
        var random = new Random(440);
        var shuffled = SortedVersions.OrderBy(_ => random.Next()).Select(PackageVersion.Parse).ToList();
        shuffled.Sort();
        Assert.Equal(SortedVersions.Select(v => PackageVersion.Parse(v).ToString()), shuffled.Select(v => v.ToString()));
    }

    // The normalization examples: PEP 440's "Normalization" section and the packaging library's tests.
    [Theory]
    // Case sensitivity
    [InlineData("1.1RC1", "1.1rc1")]
    // Integer normalization
    [InlineData("00", "0")]
    [InlineData("09000", "9000")]
    [InlineData("1.0+foo0100", "1.0+foo0100")]
    [InlineData("1.01", "1.1")]
    [InlineData("1.0a05", "1.0a5")]
    [InlineData("1.0b07", "1.0b7")]
    [InlineData("1.0c056", "1.0rc56")]
    [InlineData("1.0rc09", "1.0rc9")]
    [InlineData("1.0.post000", "1.0.post0")]
    [InlineData("1.1.dev09000", "1.1.dev9000")]
    [InlineData("00!1.2", "1.2")]
    [InlineData("0100!0.0", "100!0.0")]
    // Pre-release separators and spelling
    [InlineData("1.1.a1", "1.1a1")]
    [InlineData("1.1-a1", "1.1a1")]
    [InlineData("1.0a.1", "1.0a1")]
    [InlineData("1.1alpha1", "1.1a1")]
    [InlineData("1.1beta2", "1.1b2")]
    [InlineData("1.1c3", "1.1rc3")]
    [InlineData("1.1pre4", "1.1rc4")]
    [InlineData("1.1preview5", "1.1rc5")]
    [InlineData("1.2a", "1.2a0")]
    // Development release incarnations
    [InlineData("1.0dev", "1.0.dev0")]
    [InlineData("1.0.dev", "1.0.dev0")]
    [InlineData("1.0dev1", "1.0.dev1")]
    [InlineData("1.0-dev", "1.0.dev0")]
    [InlineData("1.0-dev1", "1.0.dev1")]
    [InlineData("1.0DEV", "1.0.dev0")]
    [InlineData("1.0.DEV", "1.0.dev0")]
    [InlineData("1.0DEV1", "1.0.dev1")]
    [InlineData("1.0.DEV1", "1.0.dev1")]
    [InlineData("1.0-DEV", "1.0.dev0")]
    [InlineData("1.0-DEV1", "1.0.dev1")]
    [InlineData("1.2-dev2", "1.2.dev2")]
    [InlineData("1.2dev2", "1.2.dev2")]
    [InlineData("1.2.dev", "1.2.dev0")]
    // Alpha incarnations
    [InlineData("1.0a", "1.0a0")]
    [InlineData("1.0.a", "1.0a0")]
    [InlineData("1.0.a1", "1.0a1")]
    [InlineData("1.0-a", "1.0a0")]
    [InlineData("1.0-a1", "1.0a1")]
    [InlineData("1.0alpha", "1.0a0")]
    [InlineData("1.0.alpha", "1.0a0")]
    [InlineData("1.0.alpha1", "1.0a1")]
    [InlineData("1.0-alpha", "1.0a0")]
    [InlineData("1.0-alpha1", "1.0a1")]
    [InlineData("1.0A", "1.0a0")]
    [InlineData("1.0.A", "1.0a0")]
    [InlineData("1.0.A1", "1.0a1")]
    [InlineData("1.0-A", "1.0a0")]
    [InlineData("1.0-A1", "1.0a1")]
    [InlineData("1.0ALPHA", "1.0a0")]
    [InlineData("1.0.ALPHA", "1.0a0")]
    [InlineData("1.0.ALPHA1", "1.0a1")]
    [InlineData("1.0-ALPHA", "1.0a0")]
    [InlineData("1.0-ALPHA1", "1.0a1")]
    // Beta incarnations
    [InlineData("1.0b", "1.0b0")]
    [InlineData("1.0.b", "1.0b0")]
    [InlineData("1.0.b1", "1.0b1")]
    [InlineData("1.0-b", "1.0b0")]
    [InlineData("1.0-b1", "1.0b1")]
    [InlineData("1.0beta", "1.0b0")]
    [InlineData("1.0.beta", "1.0b0")]
    [InlineData("1.0.beta1", "1.0b1")]
    [InlineData("1.0-beta", "1.0b0")]
    [InlineData("1.0-beta1", "1.0b1")]
    [InlineData("1.0B", "1.0b0")]
    [InlineData("1.0.B", "1.0b0")]
    [InlineData("1.0.B1", "1.0b1")]
    [InlineData("1.0-B", "1.0b0")]
    [InlineData("1.0-B1", "1.0b1")]
    [InlineData("1.0BETA", "1.0b0")]
    [InlineData("1.0.BETA", "1.0b0")]
    [InlineData("1.0.BETA1", "1.0b1")]
    [InlineData("1.0-BETA", "1.0b0")]
    [InlineData("1.0-BETA1", "1.0b1")]
    // Release candidate incarnations
    [InlineData("1.0c", "1.0rc0")]
    [InlineData("1.0.c", "1.0rc0")]
    [InlineData("1.0.c1", "1.0rc1")]
    [InlineData("1.0-c", "1.0rc0")]
    [InlineData("1.0-c1", "1.0rc1")]
    [InlineData("1.0rc", "1.0rc0")]
    [InlineData("1.0.rc", "1.0rc0")]
    [InlineData("1.0.rc1", "1.0rc1")]
    [InlineData("1.0-rc", "1.0rc0")]
    [InlineData("1.0-rc1", "1.0rc1")]
    [InlineData("1.0C", "1.0rc0")]
    [InlineData("1.0.C", "1.0rc0")]
    [InlineData("1.0.C1", "1.0rc1")]
    [InlineData("1.0-C", "1.0rc0")]
    [InlineData("1.0-C1", "1.0rc1")]
    [InlineData("1.0RC", "1.0rc0")]
    [InlineData("1.0.RC", "1.0rc0")]
    [InlineData("1.0.RC1", "1.0rc1")]
    [InlineData("1.0-RC", "1.0rc0")]
    [InlineData("1.0-RC1", "1.0rc1")]
    // Post release incarnations
    [InlineData("1.0post", "1.0.post0")]
    [InlineData("1.0.post", "1.0.post0")]
    [InlineData("1.0post1", "1.0.post1")]
    [InlineData("1.0-post", "1.0.post0")]
    [InlineData("1.0-post1", "1.0.post1")]
    [InlineData("1.0POST", "1.0.post0")]
    [InlineData("1.0.POST", "1.0.post0")]
    [InlineData("1.0POST1", "1.0.post1")]
    [InlineData("1.0r", "1.0.post0")]
    [InlineData("1.0rev", "1.0.post0")]
    [InlineData("1.0.POST1", "1.0.post1")]
    [InlineData("1.0.r1", "1.0.post1")]
    [InlineData("1.0.rev1", "1.0.post1")]
    [InlineData("1.0-POST", "1.0.post0")]
    [InlineData("1.0-POST1", "1.0.post1")]
    [InlineData("1.0-5", "1.0.post5")]
    [InlineData("1.0-r5", "1.0.post5")]
    [InlineData("1.0-rev5", "1.0.post5")]
    [InlineData("1.2-post2", "1.2.post2")]
    [InlineData("1.2post2", "1.2.post2")]
    [InlineData("1.2.post-2", "1.2.post2")]
    [InlineData("1.2.post_2", "1.2.post2")]
    [InlineData("1.0-1", "1.0.post1")]
    // Local version segments
    [InlineData("1.0+AbC", "1.0+abc")]
    [InlineData("1.0+ubuntu-1", "1.0+ubuntu.1")]
    [InlineData("1.0+ubuntu_1", "1.0+ubuntu.1")]
    [InlineData("1.0+deadbeef.00", "1.0+deadbeef.0")]
    [InlineData("1.0+123456789012345678901234567890", "1.0+123456789012345678901234567890")]
    // Preceding v, whitespace
    [InlineData("v1.0", "1.0")]
    [InlineData("V1.0", "1.0")]
    [InlineData("   v1.0\t\n", "1.0")]
    [InlineData("\u202F1.0\t\u2029\n ", "1.0")]
    // Everything at once
    [InlineData("1!2.3.4rc5.post6.dev7+abc.8", "1!2.3.4rc5.post6.dev7+abc.8")]
    [InlineData("V1!2.3.4-RC-5-6.DEV-7+ABC-8", "1!2.3.4rc5.post6.dev7+abc.8")]
    public void Normalizes(string text, string expected)
    {
        Assert.True(PackageVersion.TryParse(text, out var v), text);
        Assert.Equal(expected, v!.ToString());
        // The normalized form parses to itself.
        Assert.Equal(expected, PackageVersion.Parse(expected).ToString());
    }

    [Theory]
    [InlineData("french toast")]
    [InlineData("1.0+a+")]
    [InlineData("1.0++")]
    [InlineData("1.0+_foobar")]
    [InlineData("1.0+foo&asd")]
    [InlineData("1.0+1+1")]
    [InlineData("1. 0")]
    [InlineData("1 .0")]
    [InlineData("1. 0a1")]
    [InlineData("1 .0a1")]
    [InlineData("1.0 a1")]
    [InlineData("1.0a 1")]
    [InlineData("٠١٢.٣٤٥.٦٧٨٩")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("1..0")]
    [InlineData("1.0.")]
    [InlineData(".1.0")]
    [InlineData("1..2.3")]
    [InlineData("1.0+\u0130")]
    [InlineData("1.0+\u212A")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("v")]
    [InlineData("1.0-")]
    [InlineData("1.0.post1.post2")]
    [InlineData("1.0a1b1")]
    [InlineData("1.0.dev1.dev2")]
    [InlineData("1.0+")]
    [InlineData("!1.0")]
    [InlineData("1.0\n1.1")]
    [InlineData("1.x")]
    // Numbers beyond range are rejected, never wrapped or thrown.
    [InlineData("1.99999999999999999999")]
    [InlineData("99999999999999999999")]
    [InlineData("1.0a99999999999999999999")]
    [InlineData("1.0.post99999999999999999999")]
    [InlineData("1.0-99999999999999999999")]
    [InlineData("1.0.dev99999999999999999999")]
    [InlineData("99999999999!1.0")]
    public void RejectsInvalid(string text)
    {
        Assert.False(PackageVersion.TryParse(text, out var v));
        Assert.Null(v);
        var e = Assert.Throws<FormatException>(() => PackageVersion.Parse(text));
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void LargestNumbersAreAccepted()
    {
        var v = PackageVersion.Parse($"2147483647!{long.MaxValue}.0a{long.MaxValue}.post{long.MaxValue}.dev{long.MaxValue}");
        Assert.Equal(int.MaxValue, v.Epoch);
        Assert.Equal(long.MaxValue, v.Release[0]);
        Assert.Equal(long.MaxValue, v.Pre!.Value.Number);
        Assert.Equal(long.MaxValue, v.Post);
        Assert.Equal(long.MaxValue, v.Dev);
    }

    [Fact]
    public void NullIsNotAVersion() => Assert.False(PackageVersion.TryParse(null!, out _));

    [Theory]
    [InlineData("1.0", 0, new long[] { 1, 0 }, null, 0L, null, null, null)]
    [InlineData("1!1.0a1.post5.dev6+deadbeef", 1, new long[] { 1, 0 }, "a", 1L, 5L, 6L, "deadbeef")]
    [InlineData("1.0rc4", 0, new long[] { 1, 0 }, "rc", 4L, null, null, null)]
    [InlineData("2.1.0.post5", 0, new long[] { 2, 1, 0 }, null, 0L, 5L, null, null)]
    [InlineData("7!1.0.dev6", 7, new long[] { 1, 0 }, null, 0L, null, 6L, null)]
    [InlineData("1.0+Ubuntu-1_Foo", 0, new long[] { 1, 0 }, null, 0L, null, null, "ubuntu.1.foo")]
    public void Components(string text, int epoch, long[] release, string? preLabel, long preNumber, long? post, long? dev, string? local)
    {
        var v = PackageVersion.Parse(text);
        Assert.Equal(epoch, v.Epoch);
        Assert.Equal(release, v.Release);
        Assert.Equal(preLabel is null ? null : (preLabel, preNumber), v.Pre);
        Assert.Equal(post, v.Post);
        Assert.Equal(dev, v.Dev);
        Assert.Equal(local, v.Local);
    }

    [Theory]
    [InlineData("1.0.dev0", true)]
    [InlineData("1.0a1", true)]
    [InlineData("1.0c1", true)]
    [InlineData("1.0a1.post1.dev1", true)]
    [InlineData("1.0a1.post1", true)]
    [InlineData("1.0.post1.dev1", true)]
    [InlineData("1.0", false)]
    [InlineData("1.0+dev", false)]
    [InlineData("1.0.post1", false)]
    [InlineData("1.0.post1+dev", false)]
    public void IsPrerelease(string text, bool expected) => Assert.Equal(expected, PackageVersion.Parse(text).IsPrerelease);

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("1.0+deadbeef", "1.0")]
    [InlineData("1.0.dev6+deadbeef", "1.0.dev6")]
    [InlineData("1!1.0a1.post5.dev6+deadbeef", "1!1.0a1.post5.dev6")]
    public void Public(string text, string expected) => Assert.Equal(expected, PackageVersion.Parse(text).Public.ToString());

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0", "1")]
    [InlineData("1.0.0.0.0", "1")]
    [InlineData("0", "0.0")]
    [InlineData("1.0rc1", "1.0c1")]
    [InlineData("1.0rc1", "1.0.0-pre1")]
    [InlineData("1.0.post1", "1.0-1")]
    [InlineData("1.0+abc.1", "1.0.0+ABC-01")]
    [InlineData("0!1.0", "1.0")]
    public void EqualVersionsAndHashes(string a, string b)
    {
        var x = PackageVersion.Parse(a);
        var y = PackageVersion.Parse(b);
        Assert.Equal(x, y);
        Assert.Equal(0, x.CompareTo(y));
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
        Assert.True(x.Equals((object)y));
    }

    [Theory]
    [InlineData("1.0+a", "1.0")]
    [InlineData("1.0", "1.0.1")]
    [InlineData("1.0+1", "1.0+01.0")]
    [InlineData("1!1.0", "1.0")]
    [InlineData("1.0.post0", "1.0")]
    [InlineData("1.0.dev0", "1.0")]
    [InlineData("1.0a0", "1.0")]
    public void DistinctVersions(string a, string b)
    {
        var x = PackageVersion.Parse(a);
        var y = PackageVersion.Parse(b);
        Assert.NotEqual(x, y);
        Assert.NotEqual(0, x.CompareTo(y));
    }

    [Fact]
    public void HashSetTreatsEqualVersionsAsOne()
    {
        var set = new HashSet<PackageVersion> { PackageVersion.Parse("1.0"), PackageVersion.Parse("1.0.0"), PackageVersion.Parse("1.0+a") };
        Assert.Equal(2, set.Count);
        Assert.Contains(PackageVersion.Parse("1"), set);
        Assert.Contains(PackageVersion.Parse("1.0+A"), set);
    }

    [Fact]
    public void NullSortsFirst() => Assert.Equal(1, PackageVersion.Parse("0").CompareTo(null));

    [Theory]
    [InlineData("1.0+a", "1.0+1")] // numeric local segments sort after alphanumeric ones
    [InlineData("1.0+a", "1.0+a.1")] // a longer local sorts after a matching prefix
    [InlineData("1.0+2", "1.0+10")] // numeric segments compare numerically
    [InlineData("1.0+99999999999999999999", "1.0+100000000000000000000")]
    [InlineData("1.0+abc", "1.0+abd")]
    [InlineData("1.0+1.a", "1.0+1.0")]
    [InlineData("1.0.dev1", "1.0a1")] // dev-only releases sort before pre-releases
    [InlineData("1.0a1", "1.0b0")]
    [InlineData("1.0b1", "1.0rc0")]
    [InlineData("1.0rc1", "1.0")]
    [InlineData("1.0", "1.0.post0")]
    [InlineData("1.0.post1.dev0", "1.0.post1")]
    [InlineData("2.0", "1!0.1")]
    public void Ordered(string lower, string higher)
    {
        Assert.True(PackageVersion.Parse(lower) < PackageVersion.Parse(higher));
        Assert.True(PackageVersion.Parse(higher) > PackageVersion.Parse(lower));
    }
}
