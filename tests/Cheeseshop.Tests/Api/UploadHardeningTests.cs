using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Api;

/// <summary>
/// Uploads shaped by an attacker rather than a confused client: over-long filenames, absurd multipart
/// boundaries, links and special files inside archives, a client that vanishes mid-upload, and a
/// store that fails. Each is refused with a 400 a person understands (or, for the store, a 500 that
/// the request log reports as such), and none leaves a file, a row or a temporary file behind.
/// </summary>
public sealed class UploadHardeningTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private static async Task<(HttpStatusCode Status, string Reason, string Body)> PostAsync(CheeseshopServer server, string token, HttpContent form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form };
        request.Headers.Authorization = Token(token);
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, response.ReasonPhrase ?? "", await response.Content.ReadAsStringAsync());
    }

    private async Task AssertNothingStoredAsync(CheeseshopServer server, string project)
    {
        using var simple = await server.Http.GetAsync($"simple/{project}/");
        AssertEqual(HttpStatusCode.NotFound, simple.StatusCode, $"/simple/{project}/ after a refused upload");
        var stem = project.Replace('-', '_');
        var leftovers = Directory.EnumerateFiles(Path.Combine(server.DataDir, "files"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal)).ToList();
        Assert.True(leftovers.Count == 0, "files left in the store: " + string.Join(", ", leftovers));
        AssertTempEmpty(server);
    }

    private void AssertTempEmpty(CheeseshopServer server)
    {
        var temp = Directory.EnumerateFiles(Path.Combine(server.DataDir, "tmp")).ToList();
        if (temp.Count > 0) Fail("temporary files left behind: " + string.Join(", ", temp.Select(Path.GetFileName)));
    }

    /// <summary>A project name that makes <see cref="WheelName"/> exactly <paramref name="length"/> characters long.</summary>
    private static string ProjectOfWheelLength(string prefix, int length)
    {
        var nameLength = length - WheelName("x", "1.0").Length + 1;
        return prefix + new string('a', nameLength - prefix.Length);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_filename_too_long_to_store_is_refused_up_front_and_the_longest_allowed_one_is_stored(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        foreach (var length in new[] { 247, 255, 300 })
        {
            var project = ProjectOfWheelLength($"long{length}-{db}-".ToLowerInvariant(), length);
            var name = WheelName(project, "1.0");
            AssertEqual(length, name.Length, "test wheel filename length");
            var (status, reason, body) = await PostAsync(server, token, UploadForm(project, "1.0", name, Wheel(project, "1.0")));
            Log($"{length} characters: {(int)status} {reason}");
            AssertEqual(HttpStatusCode.BadRequest, status, $"a {length}-character filename ({reason})");
            Assert.Contains($"limit of {DistributionFilename.MaxFilenameBytes}", reason);
            Assert.Contains($"limit of {DistributionFilename.MaxFilenameBytes}", body);
            await AssertNothingStoredAsync(server, project);
        }

        var longest = ProjectOfWheelLength($"long246-{db}-".ToLowerInvariant(), DistributionFilename.MaxFilenameBytes);
        var longestName = WheelName(longest, "1.0");
        var (ok, okReason, _) = await PostAsync(server, token, UploadForm(longest, "1.0", longestName, Wheel(longest, "1.0")));
        AssertEqual(HttpStatusCode.OK, ok, $"a {longestName.Length}-character filename ({okReason})");
        var files = await SimpleJsonFilesAsync(server, longest);
        var file = Assert.Single(files);
        using var metadata = await server.Http.GetAsync(file.Url + ".metadata");
        AssertEqual(HttpStatusCode.OK, metadata.StatusCode, "PEP 658 metadata of the longest filename");
        AssertTempEmpty(server);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_multipart_boundary_over_70_characters_is_a_400_and_is_not_logged(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        var mark = server.OutputMark;
        foreach (var length in new[] { 71, 5000 })
        {
            var boundary = new string('q', length);
            var content = new StringContent($"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--{boundary}--\r\n");
            content.Headers.Remove("Content-Type");
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
            var (status, reason, body) = await PostAsync(server, token, content);
            Log($"boundary of {length}: {(int)status} {reason}");
            AssertEqual(HttpStatusCode.BadRequest, status, $"a boundary of {length} characters ({reason})");
            Assert.Contains("70", reason);
            Assert.Contains("RFC 2046", body);
        }
        // A path is client-supplied too: the request log keeps a prefix of it.
        using (await server.Http.GetAsync("simple/" + new string('q', 3000) + "/")) { }
        var log = await WaitForLogAsync(server, mark, l => l.Contains("GET /simple/qqq"));
        Assert.DoesNotMatch(new Regex("q{300}"), log);
        Assert.Contains(log.Split('\n'), l => Regex.IsMatch(l, @"POST /legacy/ 400 "));
    }

    /// <summary>Request log lines are written by a background writer: waits for one that matches.</summary>
    private static async Task<string> WaitForLogAsync(CheeseshopServer server, int mark, Func<string, bool> line)
    {
        var log = "";
        for (var i = 0; i < 50 && !(log = server.OutputSince(mark)).Split('\n').Any(line); i++) await Task.Delay(100);
        return log;
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_failure_in_the_store_is_a_500_in_the_request_log_and_leaves_no_temporary_file(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        var project = $"store-fails-{db}".ToLowerInvariant();
        var wheel = Wheel(project, "1.0");
        // A file where the upload's folder must go: the store cannot write, as on a full or broken disk.
        var b2 = FileDigester.Of(wheel).Blake2b256;
        var blocker = Path.Combine(server.DataDir, "files", b2[..2], b2[2..4], b2[4..]);
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "in the way");
        var mark = server.OutputMark;

        var (status, _, _) = await PostAsync(server, token, UploadForm(project, "1.0", WheelName(project, "1.0"), wheel));
        AssertEqual(HttpStatusCode.InternalServerError, status, "upload into a broken store");
        var log = await WaitForLogAsync(server, mark, l => l.Contains("POST /legacy/ "));
        var line = log.Split('\n').FirstOrDefault(l => l.Contains("POST /legacy/ "));
        if (line is null || !line.Contains("POST /legacy/ 500 ")) Fail($"the request log should say 500, as the client got; it says: {line}");
        await AssertNothingStoredAsync(server, project);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_client_that_disconnects_mid_upload_leaves_no_temporary_file(Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        var uri = new Uri(server.BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        const string boundary = "cut-short";
        var head = $"--{boundary}\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
                   + $"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"cut_short-1.0.tar.gz\"\r\n"
                   + "Content-Type: application/octet-stream\r\n\r\n";
        var auth = Token(token).ToString();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /legacy/ HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: {auth}\r\n"
            + $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n" + head));
        await stream.WriteAsync(new byte[512 * 1024]);
        await stream.FlushAsync();

        var temp = Path.Combine(server.DataDir, "tmp");
        for (var i = 0; i < 100 && !Directory.EnumerateFiles(temp, "upload-*").Any(); i++) await Task.Delay(50);
        Assert.True(Directory.EnumerateFiles(temp, "upload-*").Any(), "the upload should be streaming into a temporary file");
        tcp.Client.Close();
        for (var i = 0; i < 100 && Directory.EnumerateFiles(temp).Any(); i++) await Task.Delay(100);
        AssertTempEmpty(server);
    }

    /// <summary>Each archive holds something an installer would unpack unsafely; the message names the entry.</summary>
    public static TheoryData<string, Database> HostileArchives()
    {
        var data = new TheoryData<string, Database>();
        foreach (var c in new[] { "symlink-to-etc-passwd", "symlink-up", "hardlink-outside", "fifo", "char-device", "through-symlinked-dir", "wheel-symlink" })
        foreach (var db in new[] { Database.Sqlite, Database.Postgres })
            data.Add(c, db);
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task An_archive_with_links_or_special_files_is_refused_naming_the_entry(string caseName, Database db)
    {
        var server = await ServerAsync(db);
        var token = await SharedUploaderAsync(server);
        var project = $"hostile-{caseName}-{db}".ToLowerInvariant();
        var top = $"{project.Replace('-', '_')}-1.0";
        HttpContent form;
        string entry;
        if (caseName == "wheel-symlink")
        {
            entry = $"{project.Replace('-', '_')}/passwd";
            var wheel = Wheel(project, "1.0", extra: zip =>
            {
                var link = zip.CreateEntry(entry);
                link.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777
                using var s = link.Open();
                s.Write("/etc/passwd"u8);
            });
            form = UploadForm(project, "1.0", WheelName(project, "1.0"), wheel);
        }
        else
        {
            TarEntry bad;
            (entry, bad) = caseName switch
            {
                "symlink-to-etc-passwd" => ($"{top}/passwd", new PaxTarEntry(TarEntryType.SymbolicLink, $"{top}/passwd") { LinkName = "/etc/passwd" }),
                "symlink-up" => ($"{top}/shadow", new PaxTarEntry(TarEntryType.SymbolicLink, $"{top}/shadow") { LinkName = "../../../../etc/shadow" }),
                "hardlink-outside" => ($"{top}/outside", new PaxTarEntry(TarEntryType.HardLink, $"{top}/outside") { LinkName = "../../outside" }),
                "fifo" => ($"{top}/pipe", new PaxTarEntry(TarEntryType.Fifo, $"{top}/pipe")),
                "char-device" => ($"{top}/null", new PaxTarEntry(TarEntryType.CharacterDevice, $"{top}/null") { DeviceMajor = 1, DeviceMinor = 3 }),
                "through-symlinked-dir" => ($"{top}/etc/passwd", new PaxTarEntry(TarEntryType.RegularFile, $"{top}/etc/passwd") { DataStream = new MemoryStream("x"u8.ToArray()) }),
                _ => throw new ArgumentException(caseName),
            };
            var extra = caseName == "through-symlinked-dir"
                ? new TarEntry[] { new PaxTarEntry(TarEntryType.SymbolicLink, $"{top}/etc") { LinkName = "conf" }, bad }
                : [bad];
            form = UploadForm(project, "1.0", $"{top}.tar.gz", SdistWith(project, top, extra), filetype: "sdist");
        }
        var (status, reason, body) = await PostAsync(server, token, form);
        Log($"{caseName}: {(int)status} {reason}");
        AssertEqual(HttpStatusCode.BadRequest, status, $"{caseName} ({reason})");
        Assert.Contains($"'{entry}'", reason);
        Assert.Contains("Invalid distribution file", body);
        await AssertNothingStoredAsync(server, project);
    }

    private static byte[] SdistWith(string project, string top, IEnumerable<TarEntry> extra)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{top}/PKG-INFO") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Metadata(project, "1.0"))) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{top}/setup.py") { DataStream = new MemoryStream("from setuptools import setup\nsetup()\n"u8.ToArray()) });
            foreach (var e in extra) tar.WriteEntry(e);
        }
        return ms.ToArray();
    }
}
