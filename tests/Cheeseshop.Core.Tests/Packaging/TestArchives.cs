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

    public static byte[] Tar(params TarItem[] items) => Tar(TarEntryFormat.Pax, items);

    public static byte[] Tar(TarEntryFormat format, params TarItem[] items)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, format, leaveOpen: true))
        {
            foreach (var item in items)
            {
                TarEntry entry = format switch
                {
                    TarEntryFormat.Gnu => new GnuTarEntry(item.Type, item.Path),
                    TarEntryFormat.Ustar => new UstarTarEntry(item.Type, item.Path),
                    _ => new PaxTarEntry(item.Type, item.Path),
                };
                if (item.LinkName is not null) entry.LinkName = item.LinkName;
                if (item.Content is not null) entry.DataStream = new MemoryStream(item.Content);
                writer.WriteEntry(entry);
            }
        }
        return tar.ToArray();
    }

    public static MemoryStream TarGz(params TarItem[] items) => Gzip(Tar(items));

    /// <summary>A hand-made ustar header block, for archives TarWriter will not write.</summary>
    public static byte[] RawHeader(string name, char type, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(header, 148);
        var checksum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    /// <summary>Data padded to whole 512-byte blocks.</summary>
    public static byte[] Blocks(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

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
