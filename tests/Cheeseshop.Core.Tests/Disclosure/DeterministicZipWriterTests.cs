using System.IO.Compression;
using System.Text;
using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class DeterministicZipWriterTests
{
    private static readonly DateTime When = new(2026, 7, 31, 12, 34, 56, DateTimeKind.Utc);

    private static byte[] Zip(DateTime when, params (string Path, string Text)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new DeterministicZipWriter(output, when))
        {
            foreach (var (path, text) in entries) zip.Add(path, Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }

    [Fact]
    public void The_same_entries_give_the_same_bytes_and_any_zip_reader_reads_them()
    {
        var big = string.Concat(Enumerable.Range(0, 20000).Select(i => $"row {i},ü\n"));
        (string, string)[] entries = [("manifest.json", "{}\n"), ("subjects/01-a/01-names/account.csv", big), ("empty.txt", "")];
        var first = Zip(When, entries);
        Assert.Equal(first, Zip(When, entries));
        Assert.NotEqual(first, Zip(When.AddMinutes(1), entries));

        using var archive = new ZipArchive(new MemoryStream(first), ZipArchiveMode.Read);
        Assert.Equal(["manifest.json", "subjects/01-a/01-names/account.csv", "empty.txt"], archive.Entries.Select(e => e.FullName));
        foreach (var (path, text) in entries)
        {
            var entry = archive.GetEntry(path)!;
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            Assert.Equal(text, reader.ReadToEnd());
            // DOS times have two-second resolution and no zone.
            Assert.Equal(new DateTime(2026, 7, 31, 12, 34, 56), entry.LastWriteTime.DateTime);
        }
        Assert.True(archive.GetEntry("subjects/01-a/01-names/account.csv")!.CompressedLength < Encoding.UTF8.GetByteCount(big) / 2, "entries are deflated");
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    public void Unsafe_paths_are_refused(string path)
    {
        using var zip = new DeterministicZipWriter(new MemoryStream(), When);
        Assert.Throws<ArgumentException>(() => zip.Add(path, [1]));
    }

    [Fact]
    public void An_entry_name_is_used_once()
    {
        using var zip = new DeterministicZipWriter(new MemoryStream(), When);
        zip.Add("a.txt", [1]);
        Assert.Throws<ArgumentException>(() => zip.Add("a.txt", [2]));
    }
}
