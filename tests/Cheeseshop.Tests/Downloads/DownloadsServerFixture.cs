using System.Collections.Concurrent;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Downloads;

/// <summary>One download-test server per database for a test class, started on first use.</summary>
public sealed class DownloadsServerFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<Database, Lazy<Task<DownloadsTestServer>>> _servers = new();

    public Task<DownloadsTestServer> GetAsync(Database database) =>
        _servers.GetOrAdd(database, db => new Lazy<Task<DownloadsTestServer>>(() => DownloadsTestServer.StartAsync(db))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var lazy in _servers.Values)
        {
            try { await (await lazy.Value).DisposeAsync(); }
            catch { /* never started */ }
        }
    }
}
