using System.Collections.Concurrent;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upstream;
using Cheeseshop.Index;

namespace Cheeseshop.Upstream;

/// <summary>An upstream page as the proxy holds it: the parsed page (null: the upstream has no such
/// project), when it was fetched, and its rendered forms, made once per fetch.</summary>
public sealed class UpstreamEntry(UpstreamPage? page, DateTimeOffset fetched)
{
    public UpstreamPage? Page { get; } = page;
    public DateTimeOffset Fetched { get; } = fetched;
    private readonly RenderedPage?[] _rendered = new RenderedPage?[Enum.GetValues<SimpleFormat>().Length];

    public RenderedPage Rendered(SimpleFormat format, Func<RenderedPage> render) => _rendered[(int)format] ??= render();
}

/// <summary>
/// The upstream's project pages, fetched on first use and kept CacheSeconds; past that the next request
/// fetches again, and while the upstream cannot be reached the old page is served (stale beats nothing
/// for an installer). Concurrent requests for one project share one fetch, which no single client's
/// cancellation stops. At most <see cref="MaxEntries"/> projects are kept; past it the oldest go.
/// </summary>
public sealed class UpstreamPages(UpstreamClient client, UpstreamOptions options, TimeProvider clock, ILogger<UpstreamPages> log)
{
    public const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<string, UpstreamEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<UpstreamEntry>>> _fetching = new(StringComparer.Ordinal);

    /// <summary>The project's page, fresh or (when the upstream fails) stale.</summary>
    /// <exception cref="UpstreamException">The upstream failed and no page was ever fetched.</exception>
    public async Task<UpstreamEntry> GetAsync(string normalized, CancellationToken ct)
    {
        if (_entries.TryGetValue(normalized, out var entry) && IsFresh(entry)) return entry;
        var fetch = _fetching.GetOrAdd(normalized, n => new Lazy<Task<UpstreamEntry>>(() => FetchAsync(n)));
        try
        {
            return await fetch.Value.WaitAsync(ct);
        }
        catch (UpstreamException e) when (entry is not null)
        {
            log.LogWarning("Serving the cached upstream page of {Project} from {Fetched:O}: {Reason}", normalized, entry.Fetched, e.Message);
            return entry;
        }
    }

    /// <summary>Whether the project's page was fetched less than CacheSeconds ago. The name may still be inside the
    /// request's path: a cached proxied page is served without making a string of it.</summary>
    public bool IsFresh(ReadOnlySpan<char> normalized) =>
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(normalized, out var entry) && IsFresh(entry);

    private bool IsFresh(UpstreamEntry entry) => clock.GetUtcNow() - entry.Fetched < TimeSpan.FromSeconds(options.CacheSeconds);

    private async Task<UpstreamEntry> FetchAsync(string normalized)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));
            var page = await client.GetPageAsync(normalized, timeout.Token);
            var entry = new UpstreamEntry(page, clock.GetUtcNow());
            if (_entries.Count >= MaxEntries && !_entries.ContainsKey(normalized))
            {
                foreach (var old in _entries.OrderBy(e => e.Value.Fetched).Take(MaxEntries / 10).ToList()) _entries.TryRemove(old.Key, out _);
            }
            _entries[normalized] = entry;
            return entry;
        }
        catch (OperationCanceledException)
        {
            throw new UpstreamException(client.TooSlow);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new UpstreamException($"the upstream index {client.IndexForPeople} could not be read ({e.Message})");
        }
        finally
        {
            _fetching.TryRemove(normalized, out _);
        }
    }
}
