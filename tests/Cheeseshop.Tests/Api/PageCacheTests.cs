using System.IO.Compression;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Http;
using Cheeseshop.Index;

namespace Cheeseshop.Tests.Api;

/// <summary>The page cache's own rules, in process: what a change drops, the race a render can lose, the
/// byte bound and its accounting, and the compressed forms of a page.</summary>
public sealed class PageCacheTests
{
    private static RenderedPage Page(string variant, string text, long serial = 1) =>
        new(variant, System.Text.Encoding.UTF8.GetBytes(text), "text/plain", serial);

    private static (PageCache Cache, IndexChangeFeed Feed) NewCache(int maxMegabytes = 256)
    {
        var feed = new IndexChangeFeed();
        return (new PageCache(feed, new CheeseshopOptions { Cache = { MaxMegabytes = maxMegabytes } }), feed);
    }

    /// <summary>A page of <paramref name="bytes"/> bytes that compresses (repeated text, as index pages are).</summary>
    private static RenderedPage Sized(string variant, int bytes, string seed = "x") =>
        new(variant, System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"<a href=\"{seed}\">{seed}</a>\n", bytes)))[..bytes], "text/html", 1);

    [Fact]
    public void Each_variant_of_a_project_is_kept_apart_and_a_new_render_replaces_its_own()
    {
        var (cache, _) = NewCache();
        string[] variants = ["Html", "JsonV1", "http://h", "http://h|1.0", "http://h|2.0"];
        foreach (var v in variants) cache.Set("demo", v, Page(v, "old " + v), cache.Watch());
        cache.Set("demo", "http://h|1.0", Page("http://h|1.0", "new"), cache.Watch());
        foreach (var v in variants)
        {
            Assert.True(cache.TryGet("demo", v, out var page), v);
            Assert.Equal(v == "http://h|1.0" ? "new" : "old " + v, System.Text.Encoding.UTF8.GetString(page.Body));
        }
        // A variant compares by value too, not only by reference.
        Assert.True(cache.TryGet("demo", new string("JsonV1".ToCharArray()), out _));
        Assert.False(cache.TryGet("demo", "other", out _));
        Assert.False(cache.TryGet("other", "Html", out _));
    }

    [Fact]
    public void A_change_drops_the_project_and_the_index_but_not_other_projects()
    {
        var (cache, feed) = NewCache();
        foreach (var p in new[] { "a", "b", PageCache.IndexKey }) cache.Set(p, "Html", Page("Html", p), cache.Watch());
        feed.Publish(["a"]);
        Assert.False(cache.TryGet("a", "Html", out _));
        Assert.False(cache.TryGet(PageCache.IndexKey, "Html", out _));
        Assert.True(cache.TryGet("b", "Html", out _));
        cache.InvalidateAll();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_page_rendered_from_data_read_before_a_change_is_not_kept()
    {
        var (cache, feed) = NewCache();
        var ticket = cache.Watch();
        // ... the render reads the database here, then the project changes before it is stored ...
        feed.Publish(["a"]);
        cache.Set("a", "Html", Page("Html", "stale"), ticket);
        Assert.False(cache.TryGet("a", "Html", out _));
        cache.Set("a", "Html", Page("Html", "fresh"), cache.Watch());
        Assert.True(cache.TryGet("a", "Html", out _));
    }

    /// <summary>A page of <paramref name="bytes"/> random bytes, which no coding makes smaller.</summary>
    private static RenderedPage Incompressible(string variant, int bytes, int seed)
    {
        var body = new byte[bytes];
        new Random(seed).NextBytes(body);
        return new(variant, body, "application/octet-stream", 1);
    }

    [Fact]
    public void The_cache_stays_under_its_byte_limit_and_keeps_the_projects_asked_for()
    {
        var (cache, _) = NewCache(maxMegabytes: 1);
        // Pages that do not compress have nothing to give up but everything: the sweep drops them.
        const int pageBytes = 10_000; // 99 such pages fit in 1 MiB with their overheads
        for (var i = 0; i < 90; i++) cache.Set($"p{i}", "Html", Incompressible("Html", pageBytes, i), cache.Watch());
        Assert.Equal(90, cache.Count);
        Assert.Equal(90L * (pageBytes + RenderedPage.Overhead + RenderedPage.BodyOverhead), cache.Bytes);
        for (var i = 0; i < 90; i += 2) Assert.True(cache.TryGet($"p{i}", "Html", out _));
        for (var i = 90; i < 110; i++) cache.Set($"p{i}", "Html", Incompressible("Html", pageBytes, i), cache.Watch());
        Assert.InRange(cache.Bytes, 1, cache.MaxBytes);
        Assert.InRange(cache.Count, 45, 99);
        // The even projects were asked for, so the sweep took odd ones first.
        for (var i = 0; i < 90; i += 2) Assert.True(cache.TryGet($"p{i}", "Html", out _), $"p{i}");
        for (var i = 0; i < 1000; i++)
        {
            cache.Set($"q{i}", "Html", Incompressible("Html", pageBytes, 1000 + i), cache.Watch());
            Assert.InRange(cache.Bytes, 1, cache.MaxBytes);
        }
        // What is left is what is counted: every page still there, nothing else.
        var held = Enumerable.Range(0, 110).Select(i => $"p{i}").Concat(Enumerable.Range(0, 1000).Select(i => $"q{i}"))
            .Sum(p => cache.TryGet(p, "Html", out var page) ? page.Size : 0);
        Assert.Equal(held, cache.Bytes);
        cache.InvalidateAll();
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void A_page_enters_compressed_holds_its_plain_bytes_while_asked_for_often_and_goes_when_not_asked_for()
    {
        var (cache, _) = NewCache(maxMegabytes: 1);
        // Pages that do not compress fill the cache past half its limit: from a quarter on, pages enter compressed,
        // and from half on only pages asked for often hold their plain bytes again.
        for (var i = 0; i < 52; i++) cache.Set($"f{i}", "Html", Incompressible("Html", 10_000, 2000 + i), cache.Watch());
        var filled = cache.Bytes;
        Assert.True(filled > cache.MaxBytes / 2, $"{filled}");
        const int pageBytes = 20_000;
        var pages = Enumerable.Range(0, 20).Select(i => Sized("Html", pageBytes, $"p{i}")).ToList();
        var plain = pages.Select(p => p.Body).ToList();
        var tags = pages.Select(p => p.ETag).ToList();
        for (var i = 0; i < 20; i++) cache.Set($"p{i}", "Html", pages[i], cache.Watch());
        long Counted() => new[] { "f", "p", "q" }.SelectMany(prefix => Enumerable.Range(0, 300).Select(i => prefix + i))
            .Sum(p => cache.TryGet(p, "Html", out var page) ? page.Size : 0);
        // In the cache a page holds its gzip form only.
        Assert.Equal(filled + pages.Sum(p => RenderedPage.Overhead + RenderedPage.BodyOverhead + p.For(ContentCoding.Gzip).Body.Length), cache.Bytes);
        for (var i = 0; i < 20; i++)
        {
            Assert.False(pages[i].HoldsPlain, $"p{i}");
            // A client that asks for no coding gets the same bytes under the same tag, and the page stays compressed.
            var identity = pages[i].For(ContentCoding.Identity);
            Assert.Equal(plain[i], identity.Body);
            Assert.Equal(tags[i], identity.ETag);
            Assert.Equal(ContentCoding.Identity, identity.Coding);
            Assert.Equal(plain[i], Decompress(new BrotliStream(new MemoryStream(pages[i].For(ContentCoding.Brotli).Body), CompressionMode.Decompress)));
            Assert.False(pages[i].HoldsPlain, $"p{i}");
        }
        // Asked for often, a page holds its plain bytes again, and they count.
        for (var i = 0; i < 20; i += 2)
        {
            for (var hit = 0; hit < RenderedPage.HotHits; hit++) Assert.True(cache.TryGet($"p{i}", "Html", out _));
            var before = pages[i].Size;
            Assert.Equal(plain[i], pages[i].For(ContentCoding.Identity).Body);
            Assert.True(pages[i].HoldsPlain, $"p{i}");
            Assert.Equal(before + pageBytes + RenderedPage.BodyOverhead, pages[i].Size);
        }
        Assert.Equal(Counted(), cache.Bytes);
        // Past the limit, the sweep takes the plain bytes of pages no longer asked for often, and drops the
        // projects not asked for at all.
        for (var i = 0; i < 300; i++)
        {
            cache.Set($"q{i}", "Html", Incompressible("Html", 10_000, i), cache.Watch());
            Assert.InRange(cache.Bytes, 1, cache.MaxBytes);
        }
        // The clock's hand is a position in an enumeration that additions and removals shift, so it may pass a
        // page more or fewer times than the count of sweeps says: most, not all, of the pages have cooled.
        Assert.True(pages.Count(p => !p.HoldsPlain) >= 15, string.Join(" ", pages.Select(p => p.HoldsPlain)));
        Assert.Contains(Enumerable.Range(0, 20), i => !cache.TryGet($"p{i}", "Html", out _));
        Assert.Equal(Counted(), cache.Bytes);
    }

    [Fact]
    public void The_rendering_requests_plain_bytes_go_with_its_response_whatever_coding_it_asks_for()
    {
        var (cache, _) = NewCache(maxMegabytes: 1);
        // Past half the limit a page enters in gzip only and does not hold its plain bytes again when asked for them
        // rarely; the thread that rendered it keeps the plain bytes for its own response.
        for (var i = 0; i < 55; i++) cache.Set($"f{i}", "Html", Incompressible("Html", 10_000, 3000 + i), cache.Watch());
        foreach (var coding in new[] { ContentCoding.Identity, ContentCoding.Gzip, ContentCoding.Brotli })
        {
            var (page, plain) = EnterUnheld(cache, coding.ToString());
            Assert.False(page.HoldsPlain);
            var body = page.ForResponse(coding);
            Assert.NotNull(body.Bytes);
            Assert.Equal(coding, body.Coding);
            body = default;
            // Whichever coding that response took, nothing keeps the rendered plain bytes after it: not the page, not
            // the thread. (The next plain response of a rarely asked page inflates its own.)
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.False(plain.IsAlive, coding.ToString());
            Assert.Null(page.ForResponse(ContentCoding.Identity).Bytes);
        }
    }

    /// <summary>A page put in the cache with nothing of this test's holding its plain bytes, and a weak reference to them.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (RenderedPage Page, WeakReference Plain) EnterUnheld(PageCache cache, string name)
    {
        var page = Sized("Html", 20_000, name);
        var plain = new WeakReference(page.For(ContentCoding.Identity).Body);
        cache.Set(name, "Html", page, cache.Watch());
        return (page, plain);
    }

    [Fact]
    public void A_replaced_page_stops_counting_and_one_page_larger_than_the_limit_does_not_stay()
    {
        var (cache, _) = NewCache(maxMegabytes: 1);
        cache.Set("a", "Html", Sized("Html", 1000), cache.Watch());
        var page = Sized("Html", 3000);
        cache.Set("a", "Html", page, cache.Watch());
        // With room to spare a page enters with its plain bytes only, and is compressed when a client asks.
        Assert.Equal(3000 + RenderedPage.Overhead + RenderedPage.BodyOverhead, cache.Bytes);
        var gzip = page.For(ContentCoding.Gzip);
        Assert.Equal(3000 + RenderedPage.Overhead + 2 * RenderedPage.BodyOverhead + gzip.Body.Length, cache.Bytes);
        cache.Set("b", "Html", Incompressible("Html", 2 * 1024 * 1024, 1), cache.Watch());
        Assert.InRange(cache.Bytes, 0, cache.MaxBytes);
        Assert.False(cache.TryGet("b", "Html", out _));
    }

    [Fact]
    public void Compressed_forms_are_made_once_give_back_the_same_bytes_and_have_their_own_etag()
    {
        var page = Sized("Html", 20_000);
        var gzip = page.For(ContentCoding.Gzip);
        var brotli = page.For(ContentCoding.Brotli);
        Assert.Same(gzip, page.For(ContentCoding.Gzip));
        Assert.Same(brotli, page.For(ContentCoding.Brotli));
        Assert.Equal(page.Body, Decompress(new GZipStream(new MemoryStream(gzip.Body), CompressionMode.Decompress)));
        Assert.Equal(page.Body, Decompress(new BrotliStream(new MemoryStream(brotli.Body), CompressionMode.Decompress)));
        Assert.True(gzip.Body.Length < page.Body.Length / 4 && brotli.Body.Length < page.Body.Length / 4);
        Assert.Equal([ContentCoding.Gzip, ContentCoding.Brotli], new[] { gzip.Coding, brotli.Coding });
        // A response in either coding sends those very bytes and that ETag.
        Assert.Equal(new ResponseBody(gzip.Body, gzip.ETag, ContentCoding.Gzip), page.ForResponse(ContentCoding.Gzip));
        Assert.Equal(new ResponseBody(brotli.Body, brotli.ETag, ContentCoding.Brotli), page.ForResponse(ContentCoding.Brotli));
        Assert.Equal(3, new[] { page.ETag, gzip.ETag, brotli.ETag }.Distinct().Count());
        Assert.All(new[] { gzip.ETag, brotli.ETag }, t => Assert.StartsWith(page.ETag.TrimEnd('"') + "-", t));
        Assert.Same(page.For(ContentCoding.Identity), page.For(ContentCoding.Identity));
        Assert.Equal(page.ETag, page.For(ContentCoding.Identity).ETag);

        // A page too small to gain from compression goes out as it is, without Content-Encoding.
        var tiny = Page("Html", "ok");
        Assert.Same(tiny.For(ContentCoding.Identity), tiny.For(ContentCoding.Gzip));
        Assert.Equal(ContentCoding.Identity, tiny.For(ContentCoding.Brotli).Coding);
        Assert.Equal(new ResponseBody(tiny.Body, tiny.ETag, ContentCoding.Identity), tiny.ForResponse(ContentCoding.Gzip));
    }

    [Fact]
    public void Compressed_forms_count_while_their_page_is_cached_and_not_after()
    {
        var (cache, feed) = NewCache();
        var page = Sized("Html", 20_000);
        cache.Set("a", "Html", page, cache.Watch());
        var gzip = page.For(ContentCoding.Gzip);
        Assert.Equal(20_000 + RenderedPage.Overhead + 2 * RenderedPage.BodyOverhead + gzip.Body.Length, cache.Bytes);
        Assert.Equal(cache.Bytes, page.Size);
        feed.Publish(["a"]);
        Assert.Equal(0, cache.Bytes);
        // Compressed after it left the cache (a request that found it just before): not counted.
        page.For(ContentCoding.Brotli);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void The_count_stays_exact_when_renders_compressions_and_changes_race()
    {
        var (cache, feed) = NewCache(maxMegabytes: 1);
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 3000; i++)
            {
                var project = $"p{random.Next(200)}";
                switch (random.Next(10))
                {
                    case < 5:
                        var variant = random.Next(2) == 0 ? "Html" : "JsonV1";
                        cache.Set(project, variant, Sized(variant, 2000 + random.Next(8000), project), cache.Watch());
                        break;
                    case < 9:
                        if (cache.TryGet(project, "Html", out var page)) page.For(random.Next(2) == 0 ? ContentCoding.Gzip : ContentCoding.Brotli);
                        break;
                    default: feed.Publish([project]); break;
                }
            }
        });
        // A sweep runs one at a time, so pages added while one finishes can leave the count above the
        // limit by what those few workers added, until the next addition sweeps.
        Assert.InRange(cache.Bytes, 1, cache.MaxBytes + 4 * 40_000);
        var held = Enumerable.Range(0, 200).Sum(i =>
            (cache.TryGet($"p{i}", "Html", out var h) ? h.Size : 0) + (cache.TryGet($"p{i}", "JsonV1", out var j) ? j.Size : 0));
        Assert.Equal(held, cache.Bytes);
        cache.InvalidateAll();
        Assert.Equal(0, cache.Bytes);
    }

    private static byte[] Decompress(Stream stream)
    {
        using var output = new MemoryStream();
        using (stream) stream.CopyTo(output);
        return output.ToArray();
    }
}
