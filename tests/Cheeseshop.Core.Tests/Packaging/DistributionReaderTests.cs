using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using Cheeseshop.Core.Packaging;
using static Cheeseshop.Core.Tests.Packaging.TestArchives;

namespace Cheeseshop.Core.Tests.Packaging;

public class DistributionReaderTests
{
    private static readonly ArchiveLimits Defaults = new();

    private static DistributionFilename Name(string filename, string? project = null)
    {
        Assert.True(DistributionFilename.TryParse(filename, project, out var f, out var error), error);
        return f!;
    }

    private static DistributionContents Read(Stream archive, string filename, ArchiveLimits? limits = null) =>
        DistributionReader.Read(archive, Name(filename), limits ?? Defaults);

    private static string Invalid(Stream archive, string filename, ArchiveLimits? limits = null) =>
        Assert.Throws<InvalidDistributionException>(() => Read(archive, filename, limits)).Message;

    // ---- wheels ----

    [Fact]
    public void ReadsAWheel()
    {
        using var whl = Zip(
            ("foo/__init__.py", ""),
            ("foo-1.0.dist-info/METADATA", Metadata),
            ("foo-1.0.dist-info/WHEEL", Wheel),
            ("foo-1.0.dist-info/RECORD", ""));
        var contents = Read(whl, "foo-1.0-py3-none-any.whl");
        Assert.Equal("foo-1.0.dist-info/METADATA", contents.MetadataPath);
        Assert.Equal(Encoding.UTF8.GetBytes(Metadata), contents.MetadataBytes);
        Assert.Equal("foo", contents.Metadata.Name);
        Assert.Equal("The description.\n", contents.Metadata.Description);
        Assert.Empty(contents.Metadata.Validate());
    }

    [Theory]
    [InlineData("foo_bar-1.0-py3-none-any.whl", "foo_bar-1.0.dist-info")]
    [InlineData("foo_bar-1.0-py3-none-any.whl", "Foo.Bar-1.0.0.dist-info")] // normalized names, PEP 440 versions
    [InlineData("Foo_Bar-1.0rc1-py3-none-any.whl", "foo_bar-1.0c1.dist-info")]
    [InlineData("foo-1.0.post1-1-py3-none-any.whl", "foo-1.0.post1.dist-info")]
    public void TheDistInfoNameMayBeSpelledDifferently(string filename, string distInfo)
    {
        using var whl = Zip(($"{distInfo}/METADATA", Metadata), ($"{distInfo}/WHEEL", Wheel));
        Assert.Equal($"{distInfo}/METADATA", Read(whl, filename).MetadataPath);
    }

    [Theory]
    [InlineData("bar-1.0.dist-info")]
    [InlineData("foo-1.1.dist-info")]
    [InlineData("foo-1.0+local.dist-info")]
    [InlineData("foo.dist-info")]
    public void TheDistInfoMustMatchTheFilename(string distInfo)
    {
        using var whl = Zip(($"{distInfo}/METADATA", Metadata), ($"{distInfo}/WHEEL", Wheel));
        Assert.Contains("does not match the name and version in the filename", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void AWheelNeedsItsWheelFile()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/RECORD", ""));
        Assert.Contains("'foo-1.0.dist-info/WHEEL' is missing", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void AWheelNeedsItsMetadata()
    {
        using var whl = Zip(("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Contains("'foo-1.0.dist-info/METADATA' is missing", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void MetadataInTheWrongCaseDoesNotCount()
    {
        using var whl = Zip(("foo-1.0.dist-info/metadata", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Contains("METADATA' is missing", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void TwoDistInfoDirectoriesAreRefused()
    {
        using var whl = Zip(
            ("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel),
            ("bar-2.0.dist-info/METADATA", Metadata), ("bar-2.0.dist-info/WHEEL", Wheel));
        Assert.Contains("more than one .dist-info directory ('bar-2.0.dist-info', 'foo-1.0.dist-info')", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void AWheelWithoutDistInfoIsRefused()
    {
        using var whl = Zip(("foo/__init__.py", ""), ("nested/foo-1.0.dist-info/METADATA", Metadata));
        Assert.Contains("has no .dist-info directory", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void ADuplicatedMetadataEntryIsRefused()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/METADATA", "Name: evil\n"), ("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Contains("more than once", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Theory]
    [InlineData("../evil.py", "'..' path segment")]
    [InlineData("foo/../../evil.py", "'..' path segment")]
    [InlineData("foo\\..\\..\\evil.py", "'..' path segment")]
    [InlineData("/etc/evil", "absolute path")]
    [InlineData("\\evil", "absolute path")]
    [InlineData("C:/evil", "absolute path")]
    public void EntriesThatEscapeAreRefused(string path, string why)
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel), (path, "x"));
        Assert.Contains(why, Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void HostileEntryNamesAreQuotedSafely()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel), ("x\r\nSet-Cookie: a=b/../../\u00e9", "x"));
        var error = Invalid(whl, "foo-1.0-py3-none-any.whl");
        Assert.Contains("'x\\r\\nSet-Cookie: a=b/../../\\u00e9' contains a '..' path segment", error);
        Assert.All(error, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void AZipBombIsRefusedBeforeDecompression()
    {
        // 3 MB of one repeated line compresses about a thousand times.
        var bomb = "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n\n" + string.Concat(Enumerable.Repeat("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 100_000));
        using var whl = Zip(("foo-1.0.dist-info/METADATA", bomb), ("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Contains("looks like a zip bomb", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void MetadataOverTheSizeLimitIsRefused()
    {
        var random = new Random(1);
        var text = Metadata + string.Concat(Enumerable.Range(0, 3000).Select(_ => (char)random.Next('a', 'z' + 1)));
        using var whl = Zip(("foo-1.0.dist-info/METADATA", text), ("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Contains("is larger than 2048 bytes", Invalid(whl, "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxMetadataBytes: 2048)));
        whl.Position = 0;
        Assert.Equal("foo", Read(whl, "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxMetadataBytes: 4096)).Metadata.Name);
    }

    [Fact]
    public void SizesClaimedByTheArchiveAreNotTrusted()
    {
        // METADATA really is 3000+ bytes; both of its headers are rewritten to claim 100.
        var random = new Random(2);
        var text = Metadata + string.Concat(Enumerable.Range(0, 3000).Select(_ => (char)random.Next('a', 'z' + 1)));
        using var whl = Zip(("foo-1.0.dist-info/METADATA", text), ("foo-1.0.dist-info/WHEEL", Wheel));
        var bytes = whl.ToArray();
        var patched = 0;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            var sizeOffset = signature switch { 0x04034b50 => 22, 0x02014b50 => 24, _ => -1 };
            if (sizeOffset < 0) continue;
            var nameOffset = signature == 0x04034b50 ? 30 : 46;
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + nameOffset - (signature == 0x04034b50 ? 4 : 18)));
            if (Encoding.UTF8.GetString(bytes, i + nameOffset, nameLength) != "foo-1.0.dist-info/METADATA") continue;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + sizeOffset), 100);
            patched++;
        }
        Assert.Equal(2, patched);
        var error = Invalid(new MemoryStream(bytes), "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxMetadataBytes: 2048));
        Assert.Contains("'foo-1.0.dist-info/METADATA' cannot be decompressed (it is damaged", error);
    }

    [Fact]
    public void TooManyEntriesAreRefused()
    {
        var entries = new List<(string, string)> { ("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel) };
        entries.AddRange(Enumerable.Range(0, 20).Select(i => ($"foo/m{i}.py", "")));
        using var whl = Zip(entries.ToArray());
        Assert.Contains("it has 22 entries, more than the limit of 10", Invalid(whl, "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxEntries: 10)));
        whl.Position = 0;
        Assert.Equal("foo", Read(whl, "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxEntries: 22)).Metadata.Name);
    }

    [Fact]
    public void TheDeclaredEntryCountIsCheckedBeforeTheCentralDirectoryIsLoaded()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel));
        var bytes = whl.ToArray();
        // The end of central directory record is the last 22 bytes (no comment): claim 65,535 entries.
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(bytes.Length - 22 + 8), ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(bytes.Length - 22 + 10), ushort.MaxValue);
        Assert.Contains("it has 65535 entries, more than the limit of 1000", Invalid(new MemoryStream(bytes), "foo-1.0-py3-none-any.whl", new ArchiveLimits(MaxEntries: 1000)));
    }

    [Fact]
    public void MetadataMustBeUtf8()
    {
        var latin1 = Encoding.Latin1.GetBytes("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nAuthor: Jos\u00e9\n");
        using var whl = Zip(("foo-1.0.dist-info/METADATA", latin1), ("foo-1.0.dist-info/WHEEL", Encoding.UTF8.GetBytes(Wheel)));
        Assert.Contains("'foo-1.0.dist-info/METADATA' is not valid UTF-8", Invalid(whl, "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void AGzipNamedWhlIsRefused()
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo));
        Assert.Contains("must be a zip archive, but this is gzip-compressed data", Invalid(tgz, "foo-1.0-py3-none-any.whl"));
    }

    [Theory]
    [InlineData("foo-1.0-py3-none-any.whl")]
    [InlineData("foo-1.0.zip")]
    [InlineData("foo-1.0.tar.gz")]
    public void FilesThatAreNoArchiveAtAllAreRefused(string filename)
    {
        var junk = Encoding.UTF8.GetBytes("This is just a text file, not an archive of any kind.\n");
        Assert.StartsWith($"Invalid distribution file '{filename}': ", Invalid(new MemoryStream(junk), filename));
        Assert.Contains("the file is empty", Invalid(new MemoryStream(), filename));
    }

    [Fact]
    public void ATruncatedZipIsRefused()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel));
        var bytes = whl.ToArray()[..^10];
        Assert.StartsWith("Invalid distribution file", Invalid(new MemoryStream(bytes), "foo-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void TheStreamMustBeSeekable()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel));
        Assert.Throws<ArgumentException>(() => DistributionReader.Read(new ForwardOnlyStream(whl), Name("foo-1.0-py3-none-any.whl"), Defaults));
    }

    [Fact]
    public void ReadingStartsFromTheBeginningOfTheStream()
    {
        using var whl = Zip(("foo-1.0.dist-info/METADATA", Metadata), ("foo-1.0.dist-info/WHEEL", Wheel));
        whl.Position = whl.Length;
        Assert.Equal("foo", Read(whl, "foo-1.0-py3-none-any.whl").Metadata.Name);
    }

    // ---- sdists (.tar.gz) ----

    [Fact]
    public void ReadsAnSdist()
    {
        using var tgz = TarGz(
            Dir("foo-1.0"),
            File("foo-1.0/setup.py", "from setuptools import setup\nsetup()\n"),
            File("foo-1.0/PKG-INFO", PkgInfo),
            Dir("foo-1.0/foo.egg-info"),
            File("foo-1.0/foo.egg-info/PKG-INFO", "Name: other\n"),
            Symlink("foo-1.0/link", "setup.py"));
        var contents = Read(tgz, "foo-1.0.tar.gz");
        Assert.Equal("foo-1.0/PKG-INFO", contents.MetadataPath);
        Assert.Equal(Encoding.UTF8.GetBytes(PkgInfo), contents.MetadataBytes);
        Assert.Equal("A test sdist", contents.Metadata.Summary);
    }

    [Fact]
    public void SdistEntriesMayStartWithDotSlash()
    {
        using var tgz = TarGz(Dir("./"), Dir("./foo-1.0/"), File("./foo-1.0/PKG-INFO", PkgInfo));
        Assert.Equal("foo-1.0/PKG-INFO", Read(tgz, "foo-1.0.tar.gz").MetadataPath);
    }

    [Fact]
    public void AnSdistNeedsATopLevelDirectory()
    {
        using var tgz = TarGz(File("PKG-INFO", PkgInfo));
        Assert.Contains("its only top-level entry 'PKG-INFO' is a file", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void AnSdistWithFilesBesideItsDirectoryIsRefused()
    {
        using var tgz = TarGz(File("PKG-INFO", PkgInfo), File("foo-1.0/PKG-INFO", PkgInfo));
        Assert.Contains("exactly one top-level directory", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void AnSdistWithTwoTopLevelDirectoriesIsRefused()
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo), File("bar-1.0/PKG-INFO", PkgInfo));
        Assert.Contains("has 2 top-level entries ('bar-1.0', 'foo-1.0')", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void AnSdistNeedsPkgInfo()
    {
        using var tgz = TarGz(File("foo-1.0/setup.py", ""), File("foo-1.0/foo.egg-info/PKG-INFO", PkgInfo));
        Assert.Contains("'foo-1.0/PKG-INFO' is missing", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void AnEmptyTarIsRefused()
    {
        // Just the end-of-archive marker: two zero blocks.
        using var tgz = Gzip(new byte[1024]);
        Assert.Contains("contains no files", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void PkgInfoMustBeARegularFile()
    {
        using var tgz = TarGz(File("foo-1.0/real", PkgInfo), Symlink("foo-1.0/PKG-INFO", "real"));
        Assert.Contains("'foo-1.0/PKG-INFO' is not a regular file", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void ADuplicatedPkgInfoIsRefused()
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo), File("foo-1.0/PKG-INFO", "Name: evil\n"));
        Assert.Contains("more than once", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Theory]
    [InlineData("foo-1.0/../../evil", "'..' path segment")]
    [InlineData("/foo-1.0/evil", "absolute path")]
    public void TarEntriesThatEscapeAreRefused(string path, string why)
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo), File(path, "x"));
        Assert.Contains(why, Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void TooManyTarEntriesAreRefused()
    {
        var items = new List<TarItem> { File("foo-1.0/PKG-INFO", PkgInfo) };
        items.AddRange(Enumerable.Range(0, 50).Select(i => File($"foo-1.0/f{i}", "")));
        using var tgz = TarGz(items.ToArray());
        Assert.Contains("more than 20 entries", Invalid(tgz, "foo-1.0.tar.gz", new ArchiveLimits(MaxEntries: 20)));
    }

    [Fact]
    public void PkgInfoOverTheSizeLimitIsRefused()
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo + new string('x', 5000)));
        Assert.Contains("'foo-1.0/PKG-INFO' is larger than 1000 bytes", Invalid(tgz, "foo-1.0.tar.gz", new ArchiveLimits(MaxMetadataBytes: 1000)));
    }

    [Fact]
    public void AZipNamedTarGzIsRefused()
    {
        using var zip = Zip(("foo-1.0/PKG-INFO", PkgInfo));
        Assert.Contains("it is a zip archive, but a .tar.gz sdist must be a gzip-compressed tar archive", Invalid(zip, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void GzipOfSomethingElseIsRefused()
    {
        using var gz = Gzip(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("not a tar file at all\n", 100))));
        Assert.Contains("not a valid gzip-compressed tar archive", Invalid(gz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void ATruncatedTarGzIsRefused()
    {
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo), File("foo-1.0/big", new string('z', 100_000)));
        var bytes = tgz.ToArray();
        var error = Invalid(new MemoryStream(bytes[..(bytes.Length / 2)]), "foo-1.0.tar.gz");
        Assert.Contains("not a valid gzip-compressed tar archive (it is damaged or truncated)", error);
    }

    [Theory]
    [InlineData('x')] // pax extended header
    [InlineData('g')] // pax global header
    [InlineData('L')] // GNU long name
    [InlineData('K')] // GNU long link name
    public void AHugeExtendedHeaderIsRefusedBeforeTarReaderAllocatesIt(char type)
    {
        // A header claiming 2 GB of records: TarReader would rent a buffer of that size.
        using var tgz = Gzip([.. RawHeader("././@LongLink", type, int.MaxValue), .. new byte[4096]]);
        Assert.Contains("extended tar header of 2147483647 bytes", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void APaxSizeRecordIsFollowed()
    {
        // The pax "size" record overrides the size field (0) of the entry after it; that entry's data
        // looks like a hostile header, which must be passed over as data, not taken for a header.
        var data = Blocks([.. RawHeader("evil", 'x', int.MaxValue), .. Encoding.ASCII.GetBytes("more data")]);
        var record = $"size={data.Length}\n";
        record = $"{record.Length + 3} {record}";
        var tar = new List<byte>();
        tar.AddRange(RawHeader("foo-1.0/PaxHeaders/data", 'x', record.Length));
        tar.AddRange(Blocks(Encoding.ASCII.GetBytes(record)));
        tar.AddRange(RawHeader("foo-1.0/data", '0', 0));
        tar.AddRange(data);
        tar.AddRange(RawHeader("foo-1.0/PKG-INFO", '0', Encoding.UTF8.GetByteCount(PkgInfo)));
        tar.AddRange(Blocks(Encoding.UTF8.GetBytes(PkgInfo)));
        tar.AddRange(new byte[1024]);
        using var tgz = Gzip([.. tar]);
        Assert.Equal("foo", Read(tgz, "foo-1.0.tar.gz").Metadata.Name);
    }

    [Theory]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Pax)]
    public void EveryTarFormatIsRead(TarEntryFormat format)
    {
        var longDir = "foo-1.0/" + string.Join('/', Enumerable.Repeat("a-directory", 8));
        using var tgz = Gzip(Tar(format, Dir("foo-1.0/"), File($"{longDir}/module.py", "x = 1\n"), File("foo-1.0/PKG-INFO", PkgInfo)));
        Assert.Equal("foo", Read(tgz, "foo-1.0.tar.gz").Metadata.Name);
    }

    [Fact]
    public void AGzipBombIsStoppedWhileStreaming()
    {
        // 80 MB of zeros compresses to about 80 KB: far past both the ratio and the 64 MB floor.
        var tar = Tar(File("foo-1.0/PKG-INFO", PkgInfo), new TarItem("foo-1.0/zeros", new byte[80 * 1024 * 1024]));
        using var tgz = Gzip(tar);
        Assert.Contains("looks like a decompression bomb", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void ASparseTarEntryIsRefusedAsADistributionProblem()
    {
        // A GNU header of type 'S' (sparse file), written by hand: the tar reader refuses the type itself.
        var header = new byte[512];
        void Put(int offset, string text) => System.Text.Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Put(0, "foo-1.0/sparse");
        Put(100, "0000644\0");
        Put(108, "0000000\0");
        Put(116, "0000000\0");
        Put(124, "00000000000\0");
        Put(136, "00000000000\0");
        header[156] = (byte)'S';
        Put(257, "ustar  \0");
        Put(148, "        ");
        var sum = header.Sum(b => b);
        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        using var tgz = Gzip([.. header, .. new byte[1024]]);
        Assert.Contains("a tar entry of a kind an sdist has no use for", Invalid(tgz, "foo-1.0.tar.gz"));
    }

    [Fact]
    public void LongNamesAndPaxRecordsStillWork()
    {
        var longDir = "foo-1.0/" + string.Join('/', Enumerable.Repeat("a-rather-long-directory-name", 8));
        using var tgz = TarGz(File($"{longDir}/module.py", "x = 1\n"), File("foo-1.0/PKG-INFO", PkgInfo), File($"{longDir}/other.py", "y = 2\n"));
        Assert.Equal("foo", Read(tgz, "foo-1.0.tar.gz").Metadata.Name);
    }

    // ---- legacy .zip sdists ----

    [Fact]
    public void ReadsALegacyZipSdist()
    {
        using var zip = Zip(("foo-1.0/", ""), ("foo-1.0/setup.py", ""), ("foo-1.0/PKG-INFO", PkgInfo));
        var contents = Read(zip, "foo-1.0.zip");
        Assert.Equal("foo-1.0/PKG-INFO", contents.MetadataPath);
        Assert.Equal("foo", contents.Metadata.Name);
    }

    [Fact]
    public void ALegacyZipSdistFollowsTheSameLayoutRules()
    {
        using var twoTops = Zip(("foo-1.0/PKG-INFO", PkgInfo), ("bar/x", ""));
        Assert.Contains("exactly one top-level directory", Invalid(twoTops, "foo-1.0.zip"));
        using var noPkgInfo = Zip(("foo-1.0/setup.py", ""));
        Assert.Contains("'foo-1.0/PKG-INFO' is missing", Invalid(noPkgInfo, "foo-1.0.zip"));
        using var tgz = TarGz(File("foo-1.0/PKG-INFO", PkgInfo));
        Assert.Contains("gzip-compressed", Invalid(tgz, "foo-1.0.zip"));
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Links and special files: what an installer or a person running tar would unpack unsafely.</summary>
public class ArchiveLinkTests
{
    private static readonly Dictionary<string, TarItem[]> Hostile = new()
    {
        ["symlink-absolute"] = [Symlink("foo-1.0/passwd", "/etc/passwd")],
        ["symlink-up"] = [Symlink("foo-1.0/shadow", "../../../../etc/shadow")],
        ["symlink-one-level-out"] = [Dir("foo-1.0/sub"), Symlink("foo-1.0/sub/x", "../../y")],
        ["symlink-to-top-parent"] = [Symlink("foo-1.0/up", "..")],
        ["symlink-windows-absolute"] = [Symlink("foo-1.0/win", "C:\\Windows")],
        ["symlink-backslash-up"] = [Symlink("foo-1.0/bs", "..\\..\\x")],
        ["hardlink-absolute"] = [new("foo-1.0/passwd", Type: TarEntryType.HardLink, LinkName: "/etc/passwd")],
        ["hardlink-up"] = [new("foo-1.0/outside", Type: TarEntryType.HardLink, LinkName: "../../outside")],
        ["hardlink-missing"] = [new("foo-1.0/h", Type: TarEntryType.HardLink, LinkName: "foo-1.0/missing")],
        ["hardlink-to-a-symlink"] = [Symlink("foo-1.0/s", "setup.py"), new("foo-1.0/h", Type: TarEntryType.HardLink, LinkName: "foo-1.0/s")],
        ["char-device"] = [new("foo-1.0/null", Type: TarEntryType.CharacterDevice)],
        ["block-device"] = [new("foo-1.0/sda", Type: TarEntryType.BlockDevice)],
        ["fifo"] = [new("foo-1.0/pipe", Type: TarEntryType.Fifo)],
        ["file-through-symlinked-dir"] = [Symlink("foo-1.0/d", "sub"), File("foo-1.0/d/x", "x")],
        ["file-before-its-symlinked-dir"] = [File("foo-1.0/d/x", "x"), Symlink("foo-1.0/d", "sub")],
        ["file-over-a-symlink"] = [Symlink("foo-1.0/a", "setup.py"), File("foo-1.0/a", "x")],
        ["symlink-twice"] = [Symlink("foo-1.0/a", "setup.py"), Symlink("foo-1.0/a", "PKG-INFO")],
        ["link-walking-through-a-symlink"] = [Symlink("foo-1.0/s", "sub/deep"), Symlink("foo-1.0/a", "s/../x")],
    };

    [Theory]
    [InlineData("symlink-absolute", "'foo-1.0/passwd' is a symbolic link to '/etc/passwd', which points outside")]
    [InlineData("symlink-up", "'foo-1.0/shadow' is a symbolic link to '../../../../etc/shadow', which points outside")]
    [InlineData("symlink-one-level-out", "'foo-1.0/sub/x' is a symbolic link to '../../y', which points outside")]
    [InlineData("symlink-to-top-parent", "'foo-1.0/up' is a symbolic link to '..', which points outside")]
    [InlineData("symlink-windows-absolute", "'foo-1.0/win' is a symbolic link")]
    [InlineData("symlink-backslash-up", "'foo-1.0/bs' is a symbolic link")]
    [InlineData("hardlink-absolute", "'foo-1.0/passwd' is a hard link to '/etc/passwd'")]
    [InlineData("hardlink-up", "'foo-1.0/outside' is a hard link to '../../outside'")]
    [InlineData("hardlink-missing", "'foo-1.0/h' is a hard link to 'foo-1.0/missing', which is not a regular file")]
    [InlineData("hardlink-to-a-symlink", "'foo-1.0/h' is a hard link to 'foo-1.0/s'")]
    [InlineData("char-device", "'foo-1.0/null' is a character device")]
    [InlineData("block-device", "'foo-1.0/sda' is a block device")]
    [InlineData("fifo", "'foo-1.0/pipe' is a FIFO (named pipe)")]
    [InlineData("file-through-symlinked-dir", "'foo-1.0/d/x' is reached through the symbolic link 'foo-1.0/d'")]
    [InlineData("file-before-its-symlinked-dir", "'foo-1.0/d/x' is reached through the symbolic link 'foo-1.0/d'")]
    [InlineData("file-over-a-symlink", "'foo-1.0/a' is also a symbolic link")]
    [InlineData("symlink-twice", "'foo-1.0/a' is a symbolic link that appears more than once")]
    [InlineData("link-walking-through-a-symlink", "'foo-1.0/a' is a link whose target goes through the symbolic link 'foo-1.0/s'")]
    public void AnSdistWithAnUnsafeEntryIsRefusedNamingIt(string caseName, string expected)
    {
        TarItem[] items = [File("foo-1.0/PKG-INFO", PkgInfo), File("foo-1.0/setup.py", ""), .. Hostile[caseName]];
        using var tgz = TarGz(items);
        var error = Assert.Throws<InvalidDistributionException>(() =>
            DistributionReader.Read(tgz, Name("foo-1.0.tar.gz"), new ArchiveLimits())).Message;
        Assert.Contains(expected, error);
        Assert.StartsWith("Invalid distribution file 'foo-1.0.tar.gz': the entry ", error);
    }

    private static readonly Dictionary<string, TarItem[]> Harmless = new()
    {
        ["symlink-to-a-sibling"] = [Symlink("foo-1.0/link", "setup.py")],
        ["symlink-up-and-back-inside"] = [Dir("foo-1.0/docs"), Symlink("foo-1.0/docs/readme", "../setup.py")],
        ["symlink-to-the-top-directory"] = [Dir("foo-1.0/sub"), Symlink("foo-1.0/sub/top", "..")],
        ["symlink-to-a-symlink"] = [Symlink("foo-1.0/a", "setup.py"), Symlink("foo-1.0/b", "a")],
        ["hardlink-to-an-earlier-file"] = [new("foo-1.0/copy.py", Type: TarEntryType.HardLink, LinkName: "foo-1.0/setup.py")],
    };

    [Theory]
    [InlineData("symlink-to-a-sibling")]
    [InlineData("symlink-up-and-back-inside")]
    [InlineData("symlink-to-the-top-directory")]
    [InlineData("symlink-to-a-symlink")]
    [InlineData("hardlink-to-an-earlier-file")]
    public void LinksThatStayInsideAreAccepted(string caseName)
    {
        TarItem[] items = [File("foo-1.0/PKG-INFO", PkgInfo), File("foo-1.0/setup.py", ""), .. Harmless[caseName]];
        using var tgz = TarGz(items);
        Assert.Equal("foo-1.0/PKG-INFO", DistributionReader.Read(tgz, Name("foo-1.0.tar.gz"), new ArchiveLimits()).MetadataPath);
    }

    // The file type in the upper half of a zip entry's external attributes (Unix st_mode).
    [Theory]
    [InlineData("foo-1.0-py3-none-any.whl", 0xA1FF, "'foo/link' is a symbolic link; a wheel may hold only regular files and directories")]
    [InlineData("foo-1.0-py3-none-any.whl", 0x21B6, "'foo/link' is a character device")]
    [InlineData("foo-1.0-py3-none-any.whl", 0x61B0, "'foo/link' is a block device")]
    [InlineData("foo-1.0-py3-none-any.whl", 0x11A4, "'foo/link' is a FIFO (named pipe)")]
    [InlineData("foo-1.0-py3-none-any.whl", 0xC1ED, "'foo/link' is a socket")]
    [InlineData("foo-1.0.zip", 0xA1FF, "'foo-1.0/link' is a symbolic link; an sdist may hold only")]
    [InlineData("foo-1.0-py3-none-any.whl", 0x81A4, null)] // regular file, rw-r--r--
    [InlineData("foo-1.0-py3-none-any.whl", 0x41ED, null)] // directory
    [InlineData("foo-1.0-py3-none-any.whl", 0x0000, null)] // no Unix mode (made on Windows)
    [InlineData("foo-1.0.zip", 0x81ED, null)]
    public void ZipEntriesAreRegularFilesOrDirectories(string filename, int mode, string? expected)
    {
        var wheel = filename.EndsWith(".whl");
        var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, string content, int unixMode = 0x81A4)
            {
                var entry = zip.CreateEntry(path);
                entry.ExternalAttributes = unixMode << 16;
                using var s = entry.Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
            if (wheel)
            {
                Add("foo-1.0.dist-info/METADATA", Metadata);
                Add("foo-1.0.dist-info/WHEEL", TestArchives.Wheel);
                Add("foo/link", "/etc/passwd", mode);
            }
            else
            {
                Add("foo-1.0/PKG-INFO", PkgInfo);
                Add("foo-1.0/link", "/etc/passwd", mode);
            }
        }
        stream.Position = 0;
        if (expected is null)
        {
            Assert.NotNull(DistributionReader.Read(stream, Name(filename), new ArchiveLimits()));
            return;
        }
        var error = Assert.Throws<InvalidDistributionException>(() => DistributionReader.Read(stream, Name(filename), new ArchiveLimits())).Message;
        Assert.Contains(expected, error);
    }

    private static DistributionFilename Name(string filename)
    {
        Assert.True(DistributionFilename.TryParse(filename, null, out var f, out var error), error);
        return f!;
    }
}
