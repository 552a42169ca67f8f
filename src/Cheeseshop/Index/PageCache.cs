using System.Collections.Concurrent;

namespace Cheeseshop.Index;

/// <summary>
/// Rendered pages per project, dropped the moment the project changes: on this node through the
/// IndexChangeFeed, from other nodes (and the CLI) through the JournalWatcher.
///
/// A hit must cost the same at 100,000 projects as at 1,000, and at that size what a hit costs is
/// mostly the cache lines it pulls from memory. So a hit is one dictionary lookup by the project
/// name (no key allocation), whose node holds the project's usual pages in its own fields, and the
/// page; nothing else is read or written. A general-purpose memory cache would add an
/// entry, an expiration token and a clock read to every hit (docs/performance.md has the figures).
///
/// The bytes held (bodies, compressed forms, an estimate of the objects around them) are counted as
/// pages come and go, and kept under Cache:MaxMegabytes. Once the cache is a quarter full a page enters
/// holding only its gzip form (a third of the size, made then; before that, as for any page, when a client
/// first asks for gzip), and once it is half full only a page asked for often holds its plain bytes too.
/// Past the limit a clock sweep goes round the projects until a tenth of the limit is free: a page no
/// longer asked for often gives up its plain bytes, and a project none of whose pages was asked for since
/// the last pass, with nothing left to give up, is dropped. Only a page added, compressed or holding its
/// plain bytes again can push the count over, so the sweep runs there, never on a plain hit; a demoted
/// page costs an inflation when a client asks for no coding, a dropped project one render at its next
/// request.
/// </summary>
public sealed class PageCache
{
    /// <summary>The key of the whole-index pages (/simple/), which every change touches.</summary>
    public const string IndexKey = "";

    private readonly ConcurrentDictionary<string, ProjectPages> _projects;
    // The same entries looked up by a name still inside the request's path, so a hit allocates no string for it.
    private readonly ConcurrentDictionary<string, ProjectPages>.AlternateLookup<ReadOnlySpan<char>> _byName;
    private readonly long _maxBytes;
    private readonly Lock _sweep = new();
    private long _invalidations;
    private long _bytes;
    private long _evictedSinceCollection; // written under _sweep
    private int _hand; // where the last sweep stopped, counted in projects from the start of the enumeration; under _sweep
    private const long MinCollectedBytes = 32L * 1024 * 1024;
    private const int MinEntryBytes = RenderedPage.Overhead + RenderedPage.BodyOverhead, MaxBuckets = 1 << 22;

    private readonly Metrics.CheeseshopMetrics? _metrics;

    public PageCache(IndexChangeFeed feed, Configuration.CheeseshopOptions options, Metrics.CheeseshopMetrics? metrics = null)
    {
        _metrics = metrics;
        _maxBytes = (long)options.Cache.MaxMegabytes * 1024 * 1024;
        // Buckets for every project the limit can hold, made at once: a lookup then seldom walks past the first node
        // of its bucket (each node a likely wait on memory at 100,000 projects), and the table never stops to grow
        // while it serves. A bucket is 8 bytes; a cached project costs at least MinEntryBytes.
        var buckets = (int)Math.Clamp(_maxBytes / MinEntryBytes, 1, MaxBuckets);
        _projects = new(Environment.ProcessorCount, buckets, StringComparer.Ordinal);
        _byName = _projects.GetAlternateLookup<ReadOnlySpan<char>>();
        feed.ProjectChanged += Invalidate;
    }

    public int Count => _projects.Count;

    /// <summary>The bytes the cached pages hold (see RenderedPage.Size).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public long MaxBytes => _maxBytes;

    /// <summary>Less than half full: a page asked for in plain bytes may hold them again however rarely it is asked for.</summary>
    internal bool HasRoomForPlain => Bytes < _maxBytes / 2;

    /// <summary>The page of <paramref name="project"/> (a name, or a span of the request's path holding one) in
    /// <paramref name="variant"/>, counted as a hit or a miss.</summary>
    public bool TryGet(ReadOnlySpan<char> project, string variant, out RenderedPage page) => Counted(Peek(project, variant, out page));

    /// <summary>A lookup the hit and miss counts do not see: for a request that looks in more than one place
    /// (a local page, then a proxied one) and counts once with <see cref="Counted"/>.</summary>
    public bool Peek(ReadOnlySpan<char> project, string variant, out RenderedPage page)
    {
        if (_byName.TryGetValue(project, out var pages) && pages.TryGet(variant, out page))
        {
            page.Hit();
            return true;
        }
        page = null!;
        return false;
    }

    /// <summary>Counts one request's lookup as a hit or a miss, and returns <paramref name="hit"/>.</summary>
    public bool Counted(bool hit)
    {
        if (hit) _metrics?.CacheHit();
        else _metrics?.CacheMiss();
        return hit;
    }

    /// <summary>Take this before reading the data a page is rendered from, and pass it to Set. It counts
    /// invalidations of every project, not one: see Set.</summary>
    public long Watch() => Interlocked.Read(ref _invalidations);

    /// <summary>
    /// Keeps a page rendered from data read after <paramref name="ticket"/> was taken, unless any
    /// invalidation happened since: a render that raced a change must not pin stale bytes. (Any, not
    /// only this project's: one counter instead of one per project, at the price of an occasional
    /// extra render of a project that did not change.)
    /// </summary>
    public void Set(string project, string variant, RenderedPage page, long ticket)
    {
        if (Interlocked.Read(ref _invalidations) != ticket) return;
        page.EnterCompressed(keepPlain: Bytes + page.Size <= _maxBytes / 4);
        // Counted before it is reachable, so a removal racing this one takes out what it counted.
        Add(page.Charge(this));
        var replaced = Put(project, page);
        if (replaced is not null && !ReferenceEquals(replaced, page)) Add(-replaced.Discharge());
        // Invalidate counts first and removes second, so checking after adding closes the race: either
        // this check sees its count, or its removal comes after this add.
        if (Interlocked.Read(ref _invalidations) != ticket)
        {
            Remove(project);
            return;
        }
        TrimIfOver();
    }

    /// <summary>Puts the page in its project's entry; returns the page of the same variant it replaced.</summary>
    private RenderedPage? Put(string project, RenderedPage page)
    {
        while (true)
        {
            if (_projects.TryGetValue(project, out var old))
            {
                var (updated, replaced) = old.With(page);
                if (_projects.TryUpdate(project, updated, old)) return replaced;
            }
            else
            {
                var pages = default(ProjectPages).With(page).Pages;
                // A copy of the name made just before the dictionary makes its node, so the two lie side by side in
                // memory (the collector keeps that order when it compacts): a hit reads both, and finds them together
                // instead of the name wherever the request that rendered the page allocated it.
                if (_projects.TryAdd(new string(project), pages)) return null;
            }
        }
    }

    public void Invalidate(string project)
    {
        Interlocked.Increment(ref _invalidations);
        Remove(project);
        Remove(IndexKey);
    }

    /// <summary>Drops everything (used when a node cannot tell what changed, e.g. after a gap in the journal).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _invalidations);
        foreach (var name in _projects.Keys) Remove(name);
    }

    private void Remove(string project)
    {
        if (_projects.TryRemove(project, out var pages)) Release(pages);
    }

    private void Release(ProjectPages pages)
    {
        foreach (var page in pages.All()) Add(-page.Discharge());
    }

    internal void Add(long bytes)
    {
        if (bytes != 0) Interlocked.Add(ref _bytes, bytes);
    }

    internal void TrimIfOver()
    {
        if (Interlocked.Read(ref _bytes) > _maxBytes) Sweep();
    }

    /// <summary>Goes round the projects from where the last sweep stopped until a tenth of the limit is free,
    /// three times round at most, ageing each project's pages (RenderedPage.Age) and dropping a project whose
    /// pages are all idle.</summary>
    private void Sweep()
    {
        if (!_sweep.TryEnter()) return; // one sweep at a time; the others go on serving
        try
        {
            var before = Bytes;
            var target = _maxBytes - _maxBytes / 10;
            var count = _projects.Count;
            var start = count == 0 ? 0 : _hand % count;
            var visited = 0;
            foreach (var (name, pages) in _projects.Skip(start).Concat(_projects).Concat(_projects).Concat(_projects.Take(start)))
            {
                if (Bytes <= target) break;
                visited++;
                if (pages.Age() && _projects.TryRemove(new KeyValuePair<string, ProjectPages>(name, pages))) Release(pages);
            }
            _hand = start + visited;
            CollectEvicted(before - Bytes);
        }
        finally { _sweep.Exit(); }
    }

    /// <summary>
    /// Evicted pages and given-up plain bytes die in the oldest generation, which the collector visits only when
    /// that generation has grown by its own budget: under steady eviction the dead pages pile up beside the live ones, and the process holds
    /// up to twice the cache's limit. Once a quarter of the limit (and at least <see cref="MinCollectedBytes"/>, so a
    /// small cache does not collect every few pages) has been evicted, a background collection of the oldest
    /// generation gives that memory back; it runs beside the requests instead of pausing them.
    /// </summary>
    private void CollectEvicted(long evicted)
    {
        _evictedSinceCollection += evicted;
        if (_evictedSinceCollection < Math.Max(_maxBytes / 4, MinCollectedBytes)) return;
        _evictedSinceCollection = 0;
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
    }

    /// <summary>
    /// A project's rendered pages, immutable (a new page replaces the whole value), so a reader never sees half an
    /// update. A struct, so the dictionary keeps it inside its own node: a hit reads the node and then the page, with
    /// no object of the project's between them (at 100,000 projects each object read is a likely wait on memory).
    /// The dictionary replaces a node whole when a value this size changes, as it must for a reader to see all of
    /// it or none. The first three variants (in practice the Simple HTML, the Simple JSON and the JSON API) sit in
    /// fields; more (a version's JSON, another host) go to an array.
    /// </summary>
    private readonly struct ProjectPages : IEquatable<ProjectPages>
    {
        // Variants are kept beside the pages so that finding the right slot reads only the node.
        private readonly string? _v0, _v1, _v2;
        private readonly RenderedPage? _p0, _p1, _p2;
        private readonly RenderedPage[]? _more;

        private ProjectPages(RenderedPage[] pages)
        {
            if (pages.Length > 0) (_v0, _p0) = (pages[0].Variant, pages[0]);
            if (pages.Length > 1) (_v1, _p1) = (pages[1].Variant, pages[1]);
            if (pages.Length > 2) (_v2, _p2) = (pages[2].Variant, pages[2]);
            _more = pages.Length > 3 ? pages[3..] : null;
        }

        public bool TryGet(string variant, out RenderedPage page)
        {
            // The Simple variants are the same string objects every time, so the reference test
            // usually settles it without reading the stored string.
            if (Is(_v0, variant)) { page = _p0!; return true; }
            if (Is(_v1, variant)) { page = _p1!; return true; }
            if (Is(_v2, variant)) { page = _p2!; return true; }
            foreach (var p in _more ?? [])
            {
                if (Is(p.Variant, variant)) { page = p; return true; }
            }
            page = null!;
            return false;
        }

        private static bool Is(string? stored, string variant) =>
            stored is not null && (ReferenceEquals(stored, variant) || string.Equals(stored, variant, StringComparison.Ordinal));

        /// <summary>Ages every page of the project; true when all of them are idle.</summary>
        public bool Age()
        {
            var idle = true;
            foreach (var page in All())
            {
                page.Age(out var pageIdle);
                idle &= pageIdle;
            }
            return idle;
        }

        public IEnumerable<RenderedPage> All()
        {
            if (_p0 is not null) yield return _p0;
            if (_p1 is not null) yield return _p1;
            if (_p2 is not null) yield return _p2;
            foreach (var p in _more ?? []) yield return p;
        }

        /// <summary>A copy with <paramref name="page"/> in its variant's place (or added at the end), and
        /// the page it took the place of.</summary>
        public (ProjectPages Pages, RenderedPage? Replaced) With(RenderedPage page)
        {
            var pages = All().ToList();
            var i = pages.FindIndex(p => p.Variant == page.Variant);
            RenderedPage? replaced = null;
            if (i >= 0) (replaced, pages[i]) = (pages[i], page);
            else pages.Add(page);
            return (new([.. pages]), replaced);
        }

        /// <summary>The same pages: what the dictionary's compare-and-swap and a sweep's removal of an idle project check,
        /// so a value replaced meanwhile is left alone.</summary>
        public bool Equals(ProjectPages other) =>
            ReferenceEquals(_p0, other._p0) && ReferenceEquals(_p1, other._p1) && ReferenceEquals(_p2, other._p2)
            && ReferenceEquals(_more, other._more);

        public override bool Equals(object? obj) => obj is ProjectPages other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_p0, _p1, _p2, _more);
    }
}
