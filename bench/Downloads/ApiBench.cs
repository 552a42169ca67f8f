using System.Diagnostics;

namespace Cheeseshop.Bench.Downloads;

/// <summary>Sequential requests to each API statistic, one connection kept alive: latency as a client sees it.</summary>
public static class ApiBench
{
    public static async Task RunAsync(string baseUrl, string project, int requests)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        foreach (var path in new[] { "recent", "overall", "overall?mirrors=false", "python_major", "python_minor", "system", "installer", "country", "version" })
        {
            var url = $"/api/packages/{project}/{path}";
            (await http.GetAsync(url)).EnsureSuccessStatusCode(); // warm up
            var times = new List<double>(requests);
            var bytes = 0;
            for (var i = 0; i < requests; i++)
            {
                var t = Stopwatch.StartNew();
                var body = await http.GetByteArrayAsync(url);
                times.Add(t.Elapsed.TotalMilliseconds);
                bytes = body.Length;
            }
            times.Sort();
            Console.WriteLine($"{url,-60} p50 {times[times.Count / 2],6:F2} ms  p99 {times[(int)(times.Count * 0.99)],6:F2} ms  {bytes,7} bytes");
        }
    }
}
