using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Cheeseshop.Core.Tests.Packaging;

/// <summary>Builds small zip and tar.gz archives in memory for the reader tests.</summary>
internal static class TestArchives
{
    public static MemoryStream Zip(params (string Path, string Content)[] entries) =>
        Zip(entries.Select(e => (e.Path, Encoding.UTF8.GetBytes(e.Content))).ToArray());

    public static MemoryStream Zip(params (string Path, byte[] Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                if (path.EndsWith('/')) continue;
                using var s = entry.Open();
                s.Write(content);
            }
        }
        stream.Position = 0;
        return stream;
    }

    public record TarItem(string Path, byte[]? Content = null, TarEntryType Type = TarEntryType.RegularFile, string? LinkName = null);

    public static TarItem File(string path, string content) => new(path, Encoding.UTF8.GetBytes(content));
    public static TarItem Dir(string path) => new(path, Type: TarEntryType.Directory);
    public static TarItem Symlink(string path, string target) => new(path, Type: TarEntryType.SymbolicLink, LinkName: target);

    public static byte[] Tar(params TarItem[] items)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var item in items)
            {
                var entry = new PaxTarEntry(item.Type, item.Path);
                if (item.LinkName is not null) entry.LinkName = item.LinkName;
                if (item.Content is not null) entry.DataStream = new MemoryStream(item.Content);
                writer.WriteEntry(entry);
            }
        }
        return tar.ToArray();
    }

    public static MemoryStream TarGz(params TarItem[] items) => Gzip(Tar(items));

    public static MemoryStream Gzip(byte[] data)
    {
        var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        stream.Position = 0;
        return stream;
    }

    public const string Metadata = "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nSummary: A test package\n\nThe description.\n";
    public const string Wheel = "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
    public const string PkgInfo = "Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nSummary: A test sdist\n";
}
