using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Cheeseshop.Tests.Api;

/// <summary>Small wheels and sdists built in memory, and an upload request shaped as twine sends it.</summary>
public static class TestDistributions
{
    public static string Metadata(string name, string version, string? requiresPython = null, IEnumerable<string>? requiresDist = null, string body = "A test package.\n")
    {
        var sb = new StringBuilder();
        sb.Append("Metadata-Version: 2.1\n");
        sb.Append($"Name: {name}\nVersion: {version}\nSummary: Test package {name}\n");
        if (requiresPython is not null) sb.Append($"Requires-Python: {requiresPython}\n");
        foreach (var d in requiresDist ?? []) sb.Append($"Requires-Dist: {d}\n");
        sb.Append("Description-Content-Type: text/markdown\n\n").Append(body);
        return sb.ToString();
    }

    public static string WheelName(string name, string version) => $"{name.Replace('-', '_').ToLowerInvariant()}-{version}-py3-none-any.whl";

    public static byte[] Wheel(string name, string version, string? metadata = null, bool includeWheelFile = true,
        Action<ZipArchive>? extra = null)
    {
        var distInfo = $"{name.Replace('-', '_').ToLowerInvariant()}-{version}.dist-info";
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{name.Replace('-', '_').ToLowerInvariant()}/__init__.py", "__version__ = '" + version + "'\n");
            Add(zip, $"{distInfo}/METADATA", metadata ?? Metadata(name, version));
            if (includeWheelFile) Add(zip, $"{distInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
            Add(zip, $"{distInfo}/RECORD", "");
            extra?.Invoke(zip);
        }
        return ms.ToArray();
    }

    public static byte[] Sdist(string name, string version, string? pkgInfo = null)
    {
        var top = $"{name.Replace('-', '_').ToLowerInvariant()}-{version}";
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            void AddTar(string path, string text)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
                tar.WriteEntry(entry);
            }
            AddTar($"{top}/PKG-INFO", pkgInfo ?? Metadata(name, version));
            AddTar($"{top}/setup.py", "from setuptools import setup\nsetup()\n");
        }
        return ms.ToArray();
    }

    public static void Add(ZipArchive zip, string path, string text)
    {
        using var s = zip.CreateEntry(path).Open();
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The multipart body twine builds: metadata fields, digests, then the file.</summary>
    public static MultipartFormDataContent UploadForm(string name, string version, string filename, byte[] content,
        string filetype = "bdist_wheel", string pyversion = "py3", IDictionary<string, string>? overrides = null,
        IEnumerable<string>? requiresDist = null, string? requiresPython = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new(":action", "file_upload"), new("protocol_version", "1"), new("metadata_version", "2.1"),
            new("name", name), new("version", version), new("filetype", filetype), new("pyversion", filetype == "sdist" ? "source" : pyversion),
            new("summary", $"Test package {name}"), new("description_content_type", "text/markdown"),
            new("md5_digest", Convert.ToHexStringLower(MD5.HashData(content))),
            new("sha256_digest", Convert.ToHexStringLower(SHA256.HashData(content))),
        };
        if (requiresPython is not null) fields.Add(new("requires_python", requiresPython));
        foreach (var d in requiresDist ?? []) fields.Add(new("requires_dist", d));
        if (overrides is not null)
            foreach (var (k, v) in overrides)
            {
                fields.RemoveAll(f => f.Key == k);
                if (v is not null) fields.Add(new(k, v));
            }
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "content", filename);
        return form;
    }

    /// <summary>Uploads a wheel built in memory as twine would, optionally from a client address sent
    /// through the trusted loopback proxy; returns the response for the caller to check.</summary>
    public static async Task<HttpResponseMessage> UploadWheelAsync(Infrastructure.CheeseshopServer server, string token,
        string project, string version, string? clientAddress = null, string? requiresPython = null, byte[]? wheel = null)
    {
        wheel ??= Wheel(project, version, Metadata(project, version, requiresPython: requiresPython));
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/")
        {
            Content = UploadForm(project, version, WheelName(project, version), wheel, requiresPython: requiresPython),
        };
        request.Headers.Authorization = Token(token);
        if (clientAddress is not null) request.Headers.Add("X-Forwarded-For", clientAddress);
        return await server.Http.SendAsync(request);
    }

    public static AuthenticationHeaderValue Token(string token) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__token__:" + token)));
}
