using System.Diagnostics;
using System.Text;
using Cheeseshop.Core.Http;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Index;

namespace Cheeseshop.Bench;

/// <summary>
/// What finding a cached page costs at N projects, without the network around it: the page cache filled with one
/// Simple page per project (in gzip only, as a cache past a quarter full keeps them), then Zipf-drawn names looked up
/// the way a request does (the name as a span of the path, then the first bytes, ETag and serial of its gzip
/// response). Between lookups each draw reads 48 lines scattered over 32 MB, as a request's sockets and buffers
/// push the index's lines out of the processor's caches; the same reads alone are timed and taken off.
/// </summary>
public static class LookupBench
{
    private const int Draws = 1 << 21, JunkBytes = 32 << 20, JunkLines = 48, Rounds = 7;
    private const string Variant = nameof(SimpleFormat.Html); // the Simple endpoint's name for its HTML pages

    public static void Run(int projects)
    {
        var cache = new PageCache(new IndexChangeFeed(), new Configuration.CheeseshopOptions { Cache = { MaxMegabytes = 192 } });
        var random = new Random(1);
        var names = new string[projects];
        for (var i = 0; i < projects; i++)
        {
            names[i] = $"bench-project-{i:D6}";
            // The page the server renders for a project as `bench generate` makes them: five files, wheels and sdists.
            var files = Enumerable.Range(0, 5).Select(f =>
            {
                var filename = f % 2 == 0 ? $"bench_project_{i:D6}-1.{f}-py3-none-any.whl" : $"bench_project_{i:D6}-1.{f}.tar.gz";
                var digests = FileDigester.Of(Encoding.UTF8.GetBytes(filename));
                return new PageFile(filename, "/packages/" + digests.StoragePath(filename), digests.Sha256, ">=3.8", false, null,
                    10_000 + f, "2026-12-07T00:00:00.000000Z", f % 2 == 0 ? digests.Sha256 : null);
            }).ToList();
            var html = SimpleDetailPage.Html(names[i], files, i + 1, []);
            cache.Set(names[i], Variant, new RenderedPage(Variant, html, SimpleNegotiation.ContentType(SimpleFormat.Html), i + 1), cache.Watch());
            // A render allocates much besides its page; the cached objects land as far apart as in a server.
            GC.KeepAlive(new byte[random.Next(200, 4000)]);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Console.WriteLine($"projects={projects} cached={cache.Count} bytes={cache.Bytes / 1_000_000} MB");

        var cdf = new double[projects];
        double total = 0;
        for (var k = 1; k <= projects; k++) cdf[k - 1] = total += 1.0 / k;
        var paths = new string[Draws];
        for (var d = 0; d < Draws; d++)
        {
            var rank = Array.BinarySearch(cdf, random.NextDouble() * total);
            if (rank < 0) rank = ~rank;
            // The permutation zipf.lua uses, so popular projects are spread over the index.
            paths[d] = $"/simple/{names[(int)((long)rank * 7919 % projects)]}/";
        }

        var junk = new byte[JunkBytes];
        long sink = 0;
        var results = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var d = 0; d < Draws; d++)
            {
                var path = paths[d];
                if (!cache.TryGet(path.AsSpan(8, path.Length - 9), Variant, out var page)) throw new InvalidOperationException("a miss");
                var body = page.ForResponse(ContentCoding.Gzip);
                sink += body.Bytes![0] + body.ETag.Length + page.SerialText.Length + Scatter(junk, d);
            }
            var withLookups = clock.Elapsed.TotalNanoseconds / Draws;
            clock.Restart();
            for (var d = 0; d < Draws; d++) sink += Scatter(junk, d);
            var alone = clock.Elapsed.TotalNanoseconds / Draws;
            Console.WriteLine($"round {round}: lookup {withLookups - alone:F0} ns (with the scattered reads {withLookups:F0} ns, those alone {alone:F0} ns)");
            if (round >= 2) results.Add(withLookups - alone); // the first rounds warm the JIT's tiers
        }
        results.Sort();
        Console.WriteLine($"median lookup {results[results.Count / 2]:F0} ns ({sink % 2})");
    }

    private static long Scatter(byte[] junk, int draw)
    {
        long sum = 0;
        var start = (uint)draw * 2654435761u;
        for (var j = 0u; j < JunkLines; j++) sum += junk[(start + j * 4160u) & (JunkBytes - 1)];
        return sum;
    }
}
