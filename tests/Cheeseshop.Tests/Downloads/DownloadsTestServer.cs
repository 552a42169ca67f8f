using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Hosting;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Tests.Downloads;

/// <summary>
/// The real server as a child process, like <see cref="CheeseshopServer"/>, with what the download
/// tests need besides: settings of their own (CHEESESHOP_Downloads__*), a country database in the data
/// directory before start, a graceful stop (SIGTERM), and an in-process view of the same database.
/// </summary>
public sealed class DownloadsTestServer : IAsyncDisposable
{
    /// <summary>Networks the test country database knows (documentation ranges, RFC 5737).</summary>
    public const string NetherlandsNetwork = "203.0.113.0/24";
    public const string JapanNetwork = "198.51.100.0/24";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, string?> _environment;
    private bool _disposed;

    private DownloadsTestServer(Database database, string baseUrl, string dataDir, string? pgName, string? pgConnection,
        Dictionary<string, string?> environment, Process process)
    {
        Database = database;
        BaseUrl = baseUrl;
        DataDir = dataDir;
        PostgresDatabase = pgName;
        PostgresConnectionString = pgConnection;
        _environment = environment;
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public Database Database { get; }
    public string BaseUrl { get; }
    public string DataDir { get; }
    public string? PostgresDatabase { get; }
    public string? PostgresConnectionString { get; }
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string SimpleIndexUrl => BaseUrl + "/simple/";
    public string UploadUrl => BaseUrl + "/legacy/";

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<DownloadsTestServer> StartAsync(Database database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dataDir = TempPaths.NewDirectory($"dl-{database.ToString().ToLowerInvariant()}");
        // The country database is read at start: it must be there first.
        Directory.CreateDirectory(Path.Combine(dataDir, "geoip"));
        await File.WriteAllBytesAsync(Path.Combine(dataDir, "geoip", "country.mmdb"),
            TestCountryDatabase.Build((NetherlandsNetwork, "NL"), (JapanNetwork, "JP")));

        var environment = new Dictionary<string, string?>();
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("CHEESESHOP_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_URLS" or "DOTNET_ENVIRONMENT" or "DOTNET_HTTP_PORTS" or "DOTNET_HTTPS_PORTS")
                environment[key] = null;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) environment["CHEESESHOP_" + k] = v;
        string? pgName = null, pgConnection = null;
        if (database == Database.Postgres)
        {
            (pgName, pgConnection) = await TestPostgres.CreateDatabaseAsync();
            environment[CheeseshopServer.PostgresVariable] = pgConnection;
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var baseUrl = $"http://127.0.0.1:{port}";
            var psi = new ProcessStartInfo(ServerBinary.DotnetHost)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(ServerBinary.Path)!,
            };
            foreach (var a in new[] { ServerBinary.Path, "serve", "--data-dir", dataDir, "--urls", baseUrl }) psi.ArgumentList.Add(a);
            ProcessRunner.ApplyEnvironment(psi, environment);
            var process = new Process { StartInfo = psi };
            var server = new DownloadsTestServer(database, baseUrl, dataDir, pgName, pgConnection, environment, process);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await server.WaitHealthyAsync()) return server;
            var output = server.Output;
            await server.KillAsync();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The server ({database}) did not start:\n{output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) if (_output.Length < 4_000_000) _output.AppendLine(line);
    }

    private async Task<bool> WaitHealthyAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until && !_process.HasExited)
        {
            try
            {
                using var r = await Http.GetAsync("health");
                if (r.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary><c>cheeseshop ARGS --data-dir DIR</c> with the server's settings.</summary>
    public Task<ProcessResult> CliAsync(params string[] args) =>
        ProcessRunner.RunAsync(ServerBinary.DotnetHost, new[] { ServerBinary.Path }.Concat(args).Concat(["--data-dir", DataDir]),
            _environment, workingDirectory: Path.GetDirectoryName(ServerBinary.Path), timeout: TimeSpan.FromMinutes(3));

    public async Task<ProcessResult> CliWithInputAsync(string stdin, params string[] args) =>
        await ProcessRunner.RunAsync(ServerBinary.DotnetHost, new[] { ServerBinary.Path }.Concat(args).Concat(["--data-dir", DataDir]),
            _environment, stdin, workingDirectory: Path.GetDirectoryName(ServerBinary.Path), timeout: TimeSpan.FromMinutes(3));

    /// <summary>The services of this server's configuration, in this process: to read or seed its database.</summary>
    public ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCheeseshop(AppConfiguration.Build(DataDir, [new("Database:PostgreSQL", PostgresConnectionString)]));
        return services.BuildServiceProvider();
    }

    public async Task<T> WithDbAsync<T>(Func<CheeseshopDb, Task<T>> action)
    {
        await using var provider = Services();
        await using var scope = provider.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CheeseshopDb>());
    }

    /// <summary>SIGTERM, as systemd or docker stop sends it; waits for the process to exit.</summary>
    public async Task<int> StopGracefullyAsync()
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()]);
        if (!kill.Succeeded) throw new InvalidOperationException($"kill -TERM failed: {kill}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Http.Dispose();
        await KillAsync();
        _process.Dispose();
        if (PostgresDatabase is not null)
        {
            try { await TestPostgres.DropDatabaseAsync(PostgresDatabase); }
            catch (Exception e) { Console.Error.WriteLine($"warning: could not drop {PostgresDatabase}: {e.Message}"); }
        }
        TempPaths.TryDelete(DataDir);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
