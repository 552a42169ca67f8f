using System.Collections.Concurrent;
using System.Net;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>
/// The program killed with SIGKILL in the middle of a burst of uploads, two of them stalled halfway
/// through their file: after a restart nothing the server accepted is lost, and `cheeseshop fsck`
/// finds at most stored files without a row, which --repair removes: with files on disk and in a bucket.
/// </summary>
[LongRunning]
public sealed class CrashTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private const int Projects = 4;
    private const int Burst = 48;

    [Theory]
    [InlineData(Database.Sqlite, false)]
    [InlineData(Database.Postgres, false)]
    [InlineData(Database.Postgres, true)]
    public async Task Sigkill_mid_upload_burst_loses_nothing_and_leaves_only_what_fsck_repairs(Database database, bool s3)
    {
        // In a bucket (s3rver), orphans are objects: fsck lists and removes them through the same store.
        await using var bucket = s3 ? await TestS3rver.StartAsync() : null;
        await using var server = await CheeseshopServer.StartAsync(database, hosting: ServerHosting.Process,
            settings: bucket?.Settings("crash/"));
        Watch(server);
        var token = await SharedTokenAsync(server);
        // Projects exist before the burst: this test is about crashes, not about racing to create a project.
        for (var p = 0; p < Projects; p++)
        {
            using var first = await TestDistributions.UploadWheelAsync(server, token, $"crash-{p}", "0.1");
            AssertEqual(HttpStatusCode.OK, first.StatusCode, $"first upload of crash-{p}");
        }

        var accepted = new ConcurrentBag<string>();
        var release = new TaskCompletionSource();
        var sent = new CountdownEvent(2);
        var stalled = Enumerable.Range(0, 2).Select(i => StalledUploadAsync(server, token, $"crash-{i}", $"9.{i}", sent, release.Task)).ToList();
        await WaitForAsync(() => sent.IsSet && Directory.GetFiles(Path.Combine(server.DataDir, "tmp")).Length >= 2, "two stalled uploads in tmp/");
        var burst = Enumerable.Range(0, Burst).Select(i => UploadAsync(server, token, i, accepted)).ToList();
        await WaitForAsync(() => accepted.Count >= 3, "three uploads of the burst accepted");
        await server.KillAsync();
        Log($"SIGKILL with {accepted.Count} of {Burst} uploads of the burst accepted");
        release.SetResult();
        await Task.WhenAll(burst.Concat(stalled));

        // The dead server's data as it was left: the stalled uploads' temporary files, and nothing worse.
        var dead = Logged(await server.RunCliAsync("fsck", "--grace-minutes", "0"));
        AssertEqual(1, dead.ExitCode, "fsck exit code on the killed server's data");
        var left = FsckTests.Lines(dead);
        AssertEqual(true, left.Count(l => l.StartsWith("temp-file: tmp/", StringComparison.Ordinal)) >= 2, "temp-file lines for the stalled uploads");
        AssertOnly(left, ["temp-file: ", "orphan-file: "], dead, "fsck on the killed server's data");

        await server.RestartAsync();
        var restarted = Logged(await server.RunCliAsync("fsck", "--grace-minutes", "0"));
        AssertOnly(FsckTests.Lines(restarted), ["orphan-file: "], restarted, "fsck after the restart (tmp/ is emptied at start)");
        if (restarted.ExitCode != 0)
        {
            var repair = Logged(await server.RunCliAsync("fsck", "--grace-minutes", "0", "--repair"));
            AssertSucceeded(repair, "fsck --repair after the restart");
        }
        // No grace: the orphans here are seconds old, and the default grace would hide any the repair left.
        var clean = Logged(await server.RunCliAsync("fsck", "--grace-minutes", "0"));
        AssertSucceeded(clean, "fsck after the repair");
        AssertEqual("", clean.Stdout.Trim(), "fsck lines after the repair");

        var stored = await server.WithDbAsync(db => db.Files.Select(f => f.Filename).ToListAsync());
        foreach (var filename in accepted)
            AssertEqual(true, stored.Contains(filename), $"{filename}, accepted before the kill, is in the index after the restart");
        foreach (var filename in accepted)
        {
            using var page = await server.Http.GetAsync($"simple/{filename.Split('-')[0].Replace('_', '-')}/");
            AssertEqual(true, (await page.Content.ReadAsStringAsync()).Contains(filename, StringComparison.Ordinal), $"{filename} on its Simple page");
        }
    }

    private static async Task UploadAsync(CheeseshopServer server, string token, int i, ConcurrentBag<string> accepted)
    {
        var project = $"crash-{i % Projects}";
        var version = $"1.{i}";
        // Room to stream: a few hundred KB each, so the kill finds uploads at every step.
        var wheel = TestDistributions.Wheel(project, version, extra: zip =>
        {
            using var s = zip.CreateEntry("crash/padding.bin", System.IO.Compression.CompressionLevel.NoCompression).Open();
            s.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));
        });
        try
        {
            using var response = await TestDistributions.UploadWheelAsync(server, token, project, version, wheel: wheel);
            if (response.StatusCode == HttpStatusCode.OK) accepted.Add(TestDistributions.WheelName(project, version));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // Killed mid-request: the client never learnt the outcome, so either outcome is allowed.
        }
    }

    /// <summary>An upload whose body stops two thirds of the way through the file and waits, so its
    /// temporary file is half written when the server dies.</summary>
    private static async Task StalledUploadAsync(CheeseshopServer server, string token, string project, string version,
        CountdownEvent sent, Task release)
    {
        var wheel = TestDistributions.Wheel(project, version, extra: zip =>
        {
            using var s = zip.CreateEntry("crash/padding.bin", System.IO.Compression.CompressionLevel.NoCompression).Open();
            s.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));
        });
        using var form = TestDistributions.UploadForm(project, version, TestDistributions.WheelName(project, version), wheel);
        var body = await form.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = new StalledContent(body, body.Length - 100_000, sent, release) };
        request.Content.Headers.ContentType = form.Headers.ContentType;
        request.Headers.Authorization = TestDistributions.Token(token);
        try
        {
            using var response = await server.Http.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // The server died while the body was stalled: what the test wants.
        }
    }

    private sealed class StalledContent(byte[] body, int sendFirst, CountdownEvent sent, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, sendFirst));
            await stream.FlushAsync();
            sent.Signal();
            await release;
            await stream.WriteAsync(body.AsMemory(sendFirst));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Fail($"Waited 60 s for {what}.");
            await Task.Delay(20);
        }
    }

    private void AssertOnly(string[] lines, string[] allowedStarts, ProcessResult result, string what)
    {
        foreach (var line in lines)
            if (!allowedStarts.Any(s => line.StartsWith(s, StringComparison.Ordinal)))
                Fail($"{what}: a crash left \"{line}\", which only {string.Join(" and ", allowedStarts)} lines may be.\n{result}");
    }
}
