using System.Collections.Concurrent;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// One server per database for a whole test class (xunit class fixture), started on first use.
/// Tests in the class share it, so each test uses its own project and user names.
/// A server that died is replaced for the next test (the test that saw it die has its output).
/// A server that cannot start fails every test that asks for it, with the reason.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly Func<Database, Task<CheeseshopServer>> _start;

    public ServerFixture() : this(db => CheeseshopServer.StartAsync(db))
    {
    }

    protected ServerFixture(Func<Database, Task<CheeseshopServer>> start) => _start = start;

    private readonly ConcurrentDictionary<Database, Lazy<Task<CheeseshopServer>>> _servers = new();
    private readonly ConcurrentBag<Task<CheeseshopServer>> _all = new();
    private readonly object _gate = new();

    public async Task<CheeseshopServer> GetAsync(Database database)
    {
        Lazy<Task<CheeseshopServer>> lazy;
        lock (_gate)
        {
            lazy = _servers.GetOrAdd(database, Create);
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result.HasExited)
            {
                lazy = Create(database);
                _servers[database] = lazy;
            }
        }
        return await lazy.Value;
    }

    private Lazy<Task<CheeseshopServer>> Create(Database database) => new(() =>
    {
        var task = _start(database);
        _all.Add(task);
        return task;
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var task in _all)
        {
            try
            {
                await (await task).DisposeAsync();
            }
            catch
            {
                // It never started; StartAsync cleaned up after itself.
            }
        }
    }
}

/// <summary>As <see cref="ServerFixture"/>, each server with the test country database (NL and JP networks).</summary>
public sealed class CountryServerFixture() : ServerFixture(db => CheeseshopServer.StartAsync(db, countries: true));

/// <summary>As <see cref="ServerFixture"/>, each server the program in a process of its own
/// (<see cref="ServerHosting.Process"/>) started on an empty database, as an operator's first start is: for the
/// tests of real pip, twine and the admin executable.</summary>
public sealed class ProcessServerFixture() : ServerFixture(db => CheeseshopServer.StartAsync(db, hosting: ServerHosting.Process, freshSchema: true));
