using System.Collections.Concurrent;
using Cheeseshop.Index;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Api;

/// <summary>
/// Rendered pages per project, dropped the moment the project changes: on this node through the
/// IndexChangeFeed, from other nodes (and the CLI) through the JournalWatcher. One cache entry per
/// project holds all of its pages, so a hit is one lookup by the project name (no key allocation).
/// Bounded in projects, so 100,000 projects need not all be in memory; a miss costs one render.
/// A project's entry carries the change token that was current before its data was read, so a render
/// that races a change expires at once instead of pinning stale bytes.
/// </summary>
public sealed class PageCache : IDisposable
{
    /// <summary>The key of the whole-index pages (/simple/), which every change touches.</summary>
    public const string IndexKey = "";

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tokens = new();

    public PageCache(IndexChangeFeed feed, int maxProjects = 50_000)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxProjects, CompactionPercentage = 0.1 });
        feed.ProjectChanged += Invalidate;
    }

    public bool TryGet(string project, string variant, out RenderedPage page)
    {
        if (_cache.TryGetValue(project, out ProjectPages? pages) && pages!.Variants.TryGetValue(variant, out page!)) return true;
        page = null!;
        return false;
    }

    /// <summary>Take this before reading the data a page is rendered from.</summary>
    public IChangeToken Watch(string project) =>
        new CancellationChangeToken(_tokens.GetOrAdd(project, _ => new CancellationTokenSource()).Token);

    public void Set(string project, string variant, RenderedPage page, IChangeToken token)
    {
        if (token.HasChanged) return;
        // Only one live token exists per project at a time, so an entry that is still in the cache was
        // made under this same token.
        if (!_cache.TryGetValue(project, out ProjectPages? pages))
        {
            pages = new ProjectPages(token);
            using var entry = _cache.CreateEntry(project);
            entry.Value = pages;
            entry.Size = 1;
            entry.AddExpirationToken(token);
        }
        pages!.Variants[variant] = page;
    }

    public void Invalidate(string project)
    {
        Cancel(project);
        Cancel(IndexKey);
    }

    /// <summary>Drops everything (used when a node cannot tell what changed, e.g. after a gap in the journal).</summary>
    public void InvalidateAll()
    {
        foreach (var key in _tokens.Keys) Cancel(key);
    }

    private void Cancel(string key)
    {
        if (_tokens.TryRemove(key, out var cts))
        {
            cts.Cancel();
            cts.Dispose();
        }
    }

    public void Dispose() => _cache.Dispose();

    private sealed class ProjectPages(IChangeToken token)
    {
        public IChangeToken Token { get; } = token;
        public ConcurrentDictionary<string, RenderedPage> Variants { get; } = new(StringComparer.Ordinal);
    }
}
