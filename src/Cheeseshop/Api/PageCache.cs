using System.Collections.Concurrent;
using Cheeseshop.Index;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Api;

/// <summary>
/// Rendered pages per project, dropped the moment the project changes: on this node through the
/// IndexChangeFeed, from other nodes (and the CLI) through the JournalWatcher. One cache entry per
/// project holds all of its pages, so a hit is one lookup by the project name (no key allocation).
/// By default every project's pages stay until the project changes, so the cost of a request does not
/// grow with the index (memory does: about 10 KB a project with every representation rendered);
/// PageCacheMaxProjects bounds it for an index too large for memory, and a miss costs one render.
/// A project's entry carries the change token that was current before its data was read, so a render
/// that races a change expires at once instead of pinning stale bytes.
/// </summary>
public sealed class PageCache : IDisposable
{
    /// <summary>The key of the whole-index pages (/simple/), which every change touches.</summary>
    public const string IndexKey = "";

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tokens = new();

    public PageCache(IndexChangeFeed feed, Configuration.CheeseshopOptions options)
    {
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.PageCacheMaxProjects > 0 ? options.PageCacheMaxProjects : null,
            CompactionPercentage = 0.1,
        });
        feed.ProjectChanged += Invalidate;
    }

    public bool TryGet(string project, string variant, out RenderedPage page)
    {
        if (_cache.TryGetValue(project, out ProjectPages? pages) && pages!.TryGet(variant, out page)) return true;
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
        pages!.Add(variant, page);
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

    /// <summary>A project's rendered pages: a handful of variants (HTML, JSON, the JSON API per host and
    /// version), so a copy-on-write array scanned in order is smaller and faster than a dictionary.</summary>
    private sealed class ProjectPages(IChangeToken token)
    {
        private (string Variant, RenderedPage Page)[] _pages = [];

        public IChangeToken Token { get; } = token;

        public bool TryGet(string variant, out RenderedPage page)
        {
            foreach (var (v, p) in Volatile.Read(ref _pages))
            {
                if (string.Equals(v, variant, StringComparison.Ordinal))
                {
                    page = p;
                    return true;
                }
            }
            page = null!;
            return false;
        }

        public void Add(string variant, RenderedPage page)
        {
            lock (this)
            {
                var pages = _pages.Where(x => x.Variant != variant).Append((variant, page)).ToArray();
                Volatile.Write(ref _pages, pages);
            }
        }
    }
}
