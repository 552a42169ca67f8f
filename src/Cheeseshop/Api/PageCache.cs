using System.Collections.Concurrent;
using Cheeseshop.Index;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Cheeseshop.Api;

/// <summary>
/// Rendered pages per project, dropped the moment the project changes: on this node through the
/// IndexChangeFeed, from other nodes (and the CLI) through the JournalWatcher. Bounded in bytes, so
/// 100,000 projects do not mean 100,000 pages in memory; a miss costs one render.
/// A page is stored with the change token that was current before its data was read, so a render
/// that races a change expires at once instead of pinning stale bytes.
/// </summary>
public sealed class PageCache : IDisposable
{
    /// <summary>The key of the whole-index pages (/simple/), which every change touches.</summary>
    public const string IndexKey = "";

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tokens = new();

    public PageCache(IndexChangeFeed feed, long sizeLimitBytes = 256L * 1024 * 1024)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimitBytes });
        feed.ProjectChanged += Invalidate;
    }

    public bool TryGet(string project, string variant, out RenderedPage page) =>
        _cache.TryGetValue((project, variant), out page!);

    /// <summary>Take this before reading the data a page is rendered from.</summary>
    public IChangeToken Watch(string project) =>
        new CancellationChangeToken(_tokens.GetOrAdd(project, _ => new CancellationTokenSource()).Token);

    public void Set(string project, string variant, RenderedPage page, IChangeToken token)
    {
        if (token.HasChanged) return;
        using var entry = _cache.CreateEntry((project, variant));
        entry.Value = page;
        entry.Size = page.Body.Length + 256;
        entry.AddExpirationToken(token);
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
}
