using System.Collections.Concurrent;

namespace Cheeseshop.Index;

/// <summary>
/// Rendered pages per project, dropped the moment the project changes: on this node through the
/// IndexChangeFeed, from other nodes (and the CLI) through the JournalWatcher.
///
/// A hit must cost the same at 100,000 projects as at 1,000, and at that size what a hit costs is
/// mostly the cache lines it pulls from memory. So a hit is one dictionary lookup by the project
/// name (no key allocation) and one small immutable object holding the project's usual pages in
/// its own fields; nothing else is read or written. A general-purpose memory cache would add an
/// entry, an expiration token and a clock read to every hit (docs/performance.md has the figures).
///
/// By default every project's pages stay until the project changes (memory grows with the number of
/// projects; docs/performance.md gives the size); PageCacheMaxProjects bounds the number of projects
/// for an index too large for memory, evicting by second chance (a project asked for since the
/// last sweep survives it), and a miss costs one render.
/// </summary>
public sealed class PageCache
{
    /// <summary>The key of the whole-index pages (/simple/), which every change touches.</summary>
    public const string IndexKey = "";

    private readonly ConcurrentDictionary<string, ProjectPages> _projects = new(StringComparer.Ordinal);
    private readonly int _maxProjects;
    private readonly Lock _sweep = new();
    private long _invalidations;

    public PageCache(IndexChangeFeed feed, Configuration.CheeseshopOptions options)
    {
        _maxProjects = options.PageCacheMaxProjects;
        feed.ProjectChanged += Invalidate;
    }

    public int Count => _projects.Count;

    public bool TryGet(string project, string variant, out RenderedPage page)
    {
        if (_projects.TryGetValue(project, out var pages) && pages.TryGet(variant, out page))
        {
            // Written only the first time after a sweep, so a hit does not dirty the line every time.
            if (!pages.Referenced) pages.Referenced = true;
            return true;
        }
        page = null!;
        return false;
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
        _projects.AddOrUpdate(project, static (_, p) => ProjectPages.Empty.With(p), static (_, old, p) => old.With(p), page);
        // Invalidate counts first and removes second, so checking after adding closes the race: either
        // this check sees its count, or its removal comes after this add.
        if (Interlocked.Read(ref _invalidations) != ticket)
        {
            _projects.TryRemove(project, out _);
            return;
        }
        if (_maxProjects > 0 && _projects.Count > _maxProjects) Sweep();
    }

    public void Invalidate(string project)
    {
        Interlocked.Increment(ref _invalidations);
        _projects.TryRemove(project, out _);
        _projects.TryRemove(IndexKey, out _);
    }

    /// <summary>Drops everything (used when a node cannot tell what changed, e.g. after a gap in the journal).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _invalidations);
        _projects.Clear();
    }

    /// <summary>Second chance: forget projects not asked for since the last sweep until a tenth is free.</summary>
    private void Sweep()
    {
        if (!_sweep.TryEnter()) return; // one sweep at a time; the others go on serving
        try
        {
            var target = _maxProjects - Math.Max(1, _maxProjects / 10);
            for (var pass = 0; pass < 2 && _projects.Count > target; pass++)
            {
                foreach (var (name, pages) in _projects)
                {
                    if (_projects.Count <= target) break;
                    if (pages.Referenced) pages.Referenced = false;
                    else _projects.TryRemove(new KeyValuePair<string, ProjectPages>(name, pages));
                }
            }
        }
        finally { _sweep.Exit(); }
    }

    /// <summary>
    /// A project's rendered pages, immutable (a new page replaces the whole object), so a reader never
    /// sees half an update. The first three variants (in practice the Simple HTML, the Simple JSON and
    /// the JSON API) sit in fields of this one object; more (a version's JSON, another host) go to an
    /// array.
    /// </summary>
    private sealed class ProjectPages
    {
        public static readonly ProjectPages Empty = new([]);

        // Variants are kept beside the pages so that finding the right slot reads only this object.
        private readonly string? _v0, _v1, _v2;
        private readonly RenderedPage? _p0, _p1, _p2;
        private readonly RenderedPage[] _more;

        /// <summary>Asked for since the last sweep (only read when the cache is bounded).</summary>
        public bool Referenced;

        private ProjectPages(RenderedPage[] pages)
        {
            if (pages.Length > 0) (_v0, _p0) = (pages[0].Variant, pages[0]);
            if (pages.Length > 1) (_v1, _p1) = (pages[1].Variant, pages[1]);
            if (pages.Length > 2) (_v2, _p2) = (pages[2].Variant, pages[2]);
            _more = pages.Length > 3 ? pages[3..] : [];
        }

        public bool TryGet(string variant, out RenderedPage page)
        {
            // The Simple variants are the same string objects every time, so the reference test
            // usually settles it without reading the stored string.
            if (Is(_v0, variant)) { page = _p0!; return true; }
            if (Is(_v1, variant)) { page = _p1!; return true; }
            if (Is(_v2, variant)) { page = _p2!; return true; }
            foreach (var p in _more)
            {
                if (Is(p.Variant, variant)) { page = p; return true; }
            }
            page = null!;
            return false;
        }

        private static bool Is(string? stored, string variant) =>
            stored is not null && (ReferenceEquals(stored, variant) || string.Equals(stored, variant, StringComparison.Ordinal));

        private IEnumerable<RenderedPage> All()
        {
            if (_p0 is not null) yield return _p0;
            if (_p1 is not null) yield return _p1;
            if (_p2 is not null) yield return _p2;
            foreach (var p in _more) yield return p;
        }

        /// <summary>A copy with <paramref name="page"/> in its variant's place (or added at the end).</summary>
        public ProjectPages With(RenderedPage page)
        {
            var pages = All().ToList();
            var i = pages.FindIndex(p => p.Variant == page.Variant);
            if (i >= 0) pages[i] = page;
            else pages.Add(page);
            return new([.. pages]);
        }
    }
}
