using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cheeseshop.Bench;

/// <summary>
/// Sustained mixed traffic at a fixed rate against a running server (bench/load/soak.sh starts it):
/// Simple HTML and JSON, the JSON API, file downloads, project pages and XML-RPC at the read rate, and
/// uploads and sign-ins at a steady trickle, for a fixed time. Each minute it prints the requests,
/// server errors, socket errors, the read p99 and the server's resident memory; at the end it says
/// whether the run passed: no 5xx, no socket error, memory after the first minute growing less than
/// 10%, read p99 under 50 ms.
/// </summary>
public static partial class SoakRun
{
    private sealed class Counters
    {
        public long Requests, ServerErrors, SocketErrors, Dropped;
        public readonly ConcurrentBag<double> ReadMs = [];
        public readonly ConcurrentDictionary<string, long> ByKind = new();
    }

    public static async Task<int> RunAsync(string url, int readRate, int seconds, int projects, string token, string user, string password, int pid)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseCookies = false }) { BaseAddress = new Uri(url) };
        var files = await FileUrlsAsync(http, projects);
        Console.WriteLine($"soak: {readRate} reads/s, 2 uploads/s, 1 sign-in/s for {seconds} s against {url} ({files.Count} file URLs)");
        var gate = new SemaphoreSlim(512);
        var minute = new Counters();
        var total = new Counters();
        var rss = new List<long>();
        var clock = Stopwatch.StartNew();
        var inFlight = new ConcurrentDictionary<Task, byte>();
        long sent = 0, uploads = 0, signIns = 0;
        var nextReport = 60;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * readRate);
            for (; sent < due; sent++)
            {
                var n = sent;
                Launch(() => ReadAsync(http, projects, files, n), "read");
            }
            for (; uploads < (long)(clock.Elapsed.TotalSeconds * 2); uploads++)
            {
                var n = uploads;
                Launch(() => UploadAsync(http, token, n), "upload");
            }
            for (; signIns < (long)clock.Elapsed.TotalSeconds; signIns++)
                Launch(() => SignInAsync(url, user, password), "sign-in");
            if (clock.Elapsed.TotalSeconds >= nextReport)
            {
                var resident = ResidentBytes(pid);
                rss.Add(resident);
                Report(nextReport / 60, minute, resident);
                minute = new Counters();
                nextReport += 60;
            }
            await Task.Delay(5);
        }
        await Task.WhenAll(inFlight.Keys);
        rss.Add(ResidentBytes(pid));
        return Summary(total, rss);

        void Launch(Func<Task<(string Kind, HttpStatusCode? Status, double Ms)>> request, string group)
        {
            if (!gate.Wait(0))
            {
                Interlocked.Increment(ref minute.Dropped);
                Interlocked.Increment(ref total.Dropped);
                return;
            }
            var task = Task.Run(async () =>
            {
                try
                {
                    var (kind, status, ms) = await request();
                    foreach (var c in new[] { minute, total }) Count(c, kind, group, status, ms);
                }
                finally
                {
                    gate.Release();
                }
            });
            inFlight[task] = 0;
            task.ContinueWith(t => inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private static void Count(Counters c, string kind, string group, HttpStatusCode? status, double ms)
    {
        Interlocked.Increment(ref c.Requests);
        c.ByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (status is null) Interlocked.Increment(ref c.SocketErrors);
        else if ((int)status >= 500) Interlocked.Increment(ref c.ServerErrors);
        if (group == "read" && status is not null) c.ReadMs.Add(ms);
    }

    private static double P99(Counters c)
    {
        var sorted = c.ReadMs.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))];
    }

    private static void Report(int minute, Counters c, long rss) =>
        Console.WriteLine($"minute {minute,2}: {c.Requests,7} requests, {c.ServerErrors} 5xx, {c.SocketErrors} socket errors, {c.Dropped} not sent (client busy), " +
            $"read p99 {P99(c):F1} ms, server RSS {rss / 1048576} MB  [{string.Join(" ", c.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}"))}]");

    private static int Summary(Counters total, List<long> rss)
    {
        var growth = rss.Count >= 2 ? (rss[^1] - rss[0]) * 100.0 / rss[0] : 0;
        var p99 = P99(total);
        var passed = total.ServerErrors == 0 && total.SocketErrors == 0 && growth < 10 && p99 < 50;
        Console.WriteLine($"total: {total.Requests} requests, {total.ServerErrors} 5xx, {total.SocketErrors} socket errors, {total.Dropped} not sent; " +
            $"read p99 {p99:F1} ms; RSS after minute 1 {rss[0] / 1048576} MB, at the end {rss[^1] / 1048576} MB ({growth:+0.0;-0.0}%)");
        Console.WriteLine(passed ? "PASS" : "FAIL (needs: 0 5xx, 0 socket errors, RSS growth < 10%, read p99 < 50 ms)");
        return passed ? 0 : 1;
    }

    private static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    private static string Project(long n, int projects) => $"bench-project-{(int)((n * 7919) % projects):D6}";

    /// <summary>The read mix: Simple HTML 30%, Simple JSON 20%, JSON API 15%, files 15% (every other one
    /// counted in the download statistics as pip's), project pages 15%, XML-RPC 5%.</summary>
    private static async Task<(string, HttpStatusCode?, double)> ReadAsync(HttpClient http, int projects, IReadOnlyList<string> files, long n)
    {
        var p = Project(n, projects);
        var slot = (int)(n % 20);
        using var request = slot switch
        {
            < 6 => new HttpRequestMessage(HttpMethod.Get, $"/simple/{p}/"),
            < 10 => Accepting(new HttpRequestMessage(HttpMethod.Get, $"/simple/{p}/"), "application/vnd.pypi.simple.v1+json"),
            < 13 => new HttpRequestMessage(HttpMethod.Get, $"/pypi/{p}/json"),
            < 16 => new HttpRequestMessage(HttpMethod.Get, files[(int)(n % files.Count)]),
            < 19 => new HttpRequestMessage(HttpMethod.Get, $"/project/{p}/"),
            _ => new HttpRequestMessage(HttpMethod.Post, "/pypi")
            {
                Content = new StringContent("<?xml version='1.0'?><methodCall><methodName>changelog_last_serial</methodName><params/></methodCall>", Encoding.UTF8, "text/xml"),
            },
        };
        if (slot is 13) request.Headers.UserAgent.ParseAdd("pip/24.0 {\"installer\":{\"name\":\"pip\",\"version\":\"24.0\"},\"python\":\"3.11.2\"}");
        var kind = slot switch { < 6 => "html", < 10 => "json", < 13 => "api", < 16 => "file", < 19 => "page", _ => "xmlrpc" };
        return await TimedAsync(http, request, kind);
    }

    private static HttpRequestMessage Accepting(HttpRequestMessage request, string accept)
    {
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    private static async Task<(string, HttpStatusCode?, double)> TimedAsync(HttpClient http, HttpRequestMessage request, string kind)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return (kind, response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return (kind, null, 0);
        }
    }

    /// <summary>A small new wheel each time, to a handful of soak projects.</summary>
    private static async Task<(string, HttpStatusCode?, double)> UploadAsync(HttpClient http, string token, long n)
    {
        var name = $"soak-{n % 8}";
        var version = $"1.0.{n}";
        var normalized = name.Replace('-', '_');
        using var wheelBytes = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(wheelBytes, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, string text)
            {
                using var s = zip.CreateEntry(path).Open();
                s.Write(Encoding.UTF8.GetBytes(text));
            }
            Add($"{normalized}/__init__.py", $"n = {n}\n");
            Add($"{normalized}-{version}.dist-info/METADATA", $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: soak\n");
            Add($"{normalized}-{version}.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: soak\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
            Add($"{normalized}-{version}.dist-info/RECORD", "");
        }
        var wheel = wheelBytes.ToArray();
        var form = new MultipartFormDataContent
        {
            { new StringContent("file_upload"), ":action" }, { new StringContent("1"), "protocol_version" },
            { new StringContent("2.1"), "metadata_version" }, { new StringContent(name), "name" }, { new StringContent(version), "version" },
            { new StringContent("bdist_wheel"), "filetype" }, { new StringContent("py3"), "pyversion" },
            { new StringContent(Convert.ToHexStringLower(SHA256.HashData(wheel))), "sha256_digest" },
        };
        var file = new ByteArrayContent(wheel);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "content", $"{normalized}-{version}-py3-none-any.whl");
        var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__token__:" + token)));
        return await TimedAsync(http, request, "upload");
    }

    /// <summary>The sign-in form as a browser submits it: the page, then the POST with its CSRF token and cookie.</summary>
    private static async Task<(string, HttpStatusCode?, double)> SignInAsync(string url, string user, string password)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            { BaseAddress = new Uri(url) };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var page = await browser.GetStringAsync("/account/login");
            var csrf = CsrfField().Match(page).Groups[1].Value;
            using var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = user, ["password"] = password, ["csrf_token"] = WebUtility.HtmlDecode(csrf),
            }));
            return ("sign-in", response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return ("sign-in", null, 0);
        }
    }

    [GeneratedRegex("name=\"csrf_token\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private static async Task<IReadOnlyList<string>> FileUrlsAsync(HttpClient http, int projects)
    {
        var urls = new List<string>();
        for (var i = 0; i < Math.Min(200, projects); i++)
        {
            using var request = Accepting(new HttpRequestMessage(HttpMethod.Get, $"/simple/{Project(i, projects)}/"), "application/vnd.pypi.simple.v1+json");
            using var response = await http.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var f in json.RootElement.GetProperty("files").EnumerateArray())
                urls.Add(new Uri(f.GetProperty("url").GetString()!).PathAndQuery);
        }
        return urls;
    }
}
