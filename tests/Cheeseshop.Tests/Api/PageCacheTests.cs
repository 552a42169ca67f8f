using Cheeseshop.Configuration;
using Cheeseshop.Index;

namespace Cheeseshop.Tests.Api;

/// <summary>The page cache's own rules, in process: what a change drops, the race a render can lose, and the bound.</summary>
public sealed class PageCacheTests
{
    private static RenderedPage Page(string variant, string text, long serial = 1) =>
        new(variant, System.Text.Encoding.UTF8.GetBytes(text), "text/plain", serial);

    private static (PageCache Cache, IndexChangeFeed Feed) NewCache(int maxProjects = 0)
    {
        var feed = new IndexChangeFeed();
        return (new PageCache(feed, new CheeseshopOptions { PageCacheMaxProjects = maxProjects }), feed);
    }

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

    [Fact]
    public void A_bounded_cache_keeps_the_projects_asked_for_since_the_last_sweep()
    {
        var (cache, _) = NewCache(maxProjects: 100);
        for (var i = 0; i < 100; i++) cache.Set($"p{i}", "Html", Page("Html", "x"), cache.Watch());
        for (var i = 0; i < 100; i += 2) Assert.True(cache.TryGet($"p{i}", "Html", out _));
        cache.Set("p100", "Html", Page("Html", "x"), cache.Watch());
        Assert.InRange(cache.Count, 1, 100);
        // The even projects were asked for, so the sweep took odd ones first.
        for (var i = 0; i < 100; i += 2) Assert.True(cache.TryGet($"p{i}", "Html", out _), $"p{i}");
        for (var i = 0; i < 500; i++) cache.Set($"q{i}", "Html", Page("Html", "x"), cache.Watch());
        Assert.InRange(cache.Count, 1, 100);
    }
}
