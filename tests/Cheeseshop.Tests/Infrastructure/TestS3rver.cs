using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the storage tests: s3rver (npm), named by the environment variable
/// CHEESESHOP_TEST_S3RVER (its executable, e.g. ~/.cache/cheeseshop-tests/s3rver/node_modules/.bin/s3rver;
/// ./scripts/test.sh installs it once and sets it). Each instance has its own folder, loopback port and
/// bucket; disposing kills it and deletes the folder. <see cref="Client"/> looks into the bucket with
/// the same SDK the server uses.
/// </summary>
public sealed class TestS3rver : IAsyncDisposable
{
    public const string EnvironmentVariable = "CHEESESHOP_TEST_S3RVER";
    public const string AccessKey = "S3RVER"; // s3rver's fixed credentials
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _dir;

    private TestS3rver(Process process, StringBuilder output, string dir, string serviceUrl, string bucket)
    {
        _process = process;
        _output = output;
        _dir = dir;
        ServiceUrl = serviceUrl;
        Bucket = bucket;
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey),
            new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
    }

    public string ServiceUrl { get; }
    public string Bucket { get; }
    public IAmazonS3 Client { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The server settings that keep a Cheeseshop's files in this bucket, under <paramref name="prefix"/>.</summary>
    public Dictionary<string, string> Settings(string prefix) => new()
    {
        ["CHEESESHOP_Storage__S3__ServiceUrl"] = ServiceUrl,
        ["CHEESESHOP_Storage__S3__Bucket"] = Bucket,
        ["CHEESESHOP_Storage__S3__AccessKey"] = AccessKey,
        ["CHEESESHOP_Storage__S3__SecretKey"] = SecretKey,
        ["CHEESESHOP_Storage__S3__Prefix"] = prefix,
    };

    /// <summary>Every key in the bucket.</summary>
    public async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket };
        ListObjectsV2Response page;
        do
        {
            page = await Client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return keys;
    }

    public async Task<byte[]> GetAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<TestS3rver> StartAsync(string bucket = "cheeseshop")
    {
        var executable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(executable) || !File.Exists(executable))
            throw new InvalidOperationException(
                $"{EnvironmentVariable} does not name the s3rver executable, so the S3 storage tests cannot run. Run the suite with " +
                "./scripts/test.sh, which installs s3rver@3.7.1 once with npm, or set it to node_modules/.bin/s3rver of such an install.");
        var dir = TempPaths.NewDirectory("s3rver");
        var attempts = new StringBuilder();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var port = LoopbackPorts.Free();
            var output = new StringBuilder();
            var psi = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "-d", dir, "-a", "127.0.0.1", "-p", port.ToString(), "--configure-bucket", bucket, "--silent" })
                psi.ArgumentList.Add(a);
            var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new TestS3rver(process, output, dir, $"http://127.0.0.1:{port}", bucket);
            if (await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30))) return server;
            attempts.AppendLine($"attempt {attempt} on port {port}:\n{server.Output}");
            await server.StopAsync();
        }
        TempPaths.TryDelete(dir);
        throw new InvalidOperationException($"s3rver ({executable}) did not start.\n{attempts}");
    }

    /// <summary>Ready once the bucket answers a listing (s3rver creates it just after it starts listening).</summary>
    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
                return true;
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or AmazonClientException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }

    /// <summary>Stops the server's process where it stands (SIGSTOP): connections stay open and nothing
    /// answers, as with a hung server, until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} exited with {kill.ExitCode}");
    }

    private async Task StopAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
        }
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempPaths.TryDelete(_dir);
    }

}
