using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Cheeseshop.Configuration;
using Cheeseshop.Data;
using Cheeseshop.Hosting;
using Cheeseshop.Tests.Downloads;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>Which database a test server keeps its data in.</summary>
public enum Database
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real Cheeseshop server on a free loopback port with its own temporary data folder and, for
/// <see cref="Database.Postgres"/>, its own freshly created database; in the test process or as a child
/// process (<c>dotnet cheeseshop.dll serve</c>), see <see cref="ServerHosting"/>. Disposing stops it, drops
/// the database and deletes the folder.
/// Besides HTTP it gives the admin verbs on the same data (<see cref="RunCliAsync"/>), the server's own
/// services in the test process (<see cref="WithDbAsync"/>) and a graceful stop (<see cref="StopGracefullyAsync"/>).
/// </summary>
public sealed class CheeseshopServer : IAsyncDisposable
{
    public const string PostgresVariable = "CHEESESHOP_Database__PostgreSQL";

    /// <summary>Networks of the test country database (documentation ranges, RFC 5737).</summary>
    public const string NetherlandsNetwork = "203.0.113.0/24";
    public const string JapanNetwork = "198.51.100.0/24";
    private IRunningServer _host;
    private readonly ServerOutput _output;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly bool _ownsDatabase;
    private bool _disposed;

    private CheeseshopServer(Database database, ServerHosting hosting, string baseUrl, string dataDir, string? postgresDatabase, bool ownsDatabase,
        IRunningServer host, ServerOutput output, IReadOnlyDictionary<string, string?> environment)
    {
        _ownsDatabase = ownsDatabase;
        Database = database;
        Hosting = hosting;
        BaseUrl = baseUrl;
        DataDir = dataDir;
        PostgresDatabase = postgresDatabase;
        _host = host;
        _output = output;
        _environment = environment;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public Database Database { get; }

    public ServerHosting Hosting { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public string DataDir { get; }

    /// <summary>The cs_&lt;random&gt; database of a PostgreSQL server; null for SQLite.</summary>
    public string? PostgresDatabase { get; }

    /// <summary>The connection string of a PostgreSQL server's database; null for SQLite.</summary>
    public string? PostgresConnectionString => _environment.TryGetValue(PostgresVariable, out var cs) ? cs : null;

    /// <summary>A client whose BaseAddress is the server's root.</summary>
    public HttpClient Http { get; }

    public string UploadUrl => BaseUrl + "/legacy/";
    public string SimpleIndexUrl => BaseUrl + "/simple/";

    /// <summary>True once the server stopped, including after DisposeAsync (a test may watch a server it
    /// stopped itself, and its log is written after that).</summary>
    public bool HasExited => _disposed || _host.HasExited;

    public int ExitCode => _host.ExitCode;

    /// <summary>Everything the server printed so far (stdout and stderr, each line tagged).</summary>
    public string Output => _output.ToString();

    /// <summary>A position in <see cref="Output"/>, for <see cref="OutputSince"/>.</summary>
    public int OutputMark => _output.Length;

    public string OutputSince(int mark) => _output.Since(mark);

    /// <param name="settings">Extra server settings as CHEESESHOP_* environment variables, e.g.
    /// ["CHEESESHOP_Limits__MaxFileBytes"] = "4096".</param>
    /// <param name="joinPostgresDatabase">Another node: use this existing database (of a running server,
    /// which owns it and drops it) instead of creating one.</param>
    /// <param name="countries">Put a country database in the data folder before start, mapping
    /// <see cref="NetherlandsNetwork"/> to NL and <see cref="JapanNetwork"/> to JP.</param>
    /// <param name="hosting">In the test process (the default) or as the program in a process of its own.</param>
    /// <param name="clock">The server's clock (in process only): a test moves it rather than waiting.</param>
    /// <param name="freshSchema">Start on an empty database and let the server apply every migration, as a first
    /// start does; otherwise it starts on a copy of the schema migrated once per run (<see cref="DatabaseTemplates"/>).
    /// The published program always starts fresh.</param>
    public static async Task<CheeseshopServer> StartAsync(Database database, TimeSpan? startTimeout = null,
        IReadOnlyDictionary<string, string>? settings = null, string? joinPostgresDatabase = null, bool countries = false,
        ServerHosting hosting = ServerHosting.InProcess, TimeProvider? clock = null, bool freshSchema = false)
    {
        var template = !freshSchema && hosting != ServerHosting.Published;
        if (clock != null && hosting != ServerHosting.InProcess)
            throw new ArgumentException("Only a server in the test process can run on a test's clock.", nameof(clock));
        if (joinPostgresDatabase != null && database != Database.Postgres)
            throw new ArgumentException("Only a PostgreSQL server can join another's database.", nameof(joinPostgresDatabase));
        var dll = ServerBinary.Path;
        var dataDir = TempPaths.NewDirectory($"server-{database.ToString().ToLowerInvariant()}");
        if (countries)
        {
            // The country database is read at start: it must be there first.
            Directory.CreateDirectory(System.IO.Path.Combine(dataDir, "geoip"));
            await File.WriteAllBytesAsync(System.IO.Path.Combine(dataDir, "geoip", "country.mmdb"),
                TestCountryDatabase.Build((NetherlandsNetwork, "NL"), (JapanNetwork, "JP")));
        }
        string? pgName = null;
        var environment = BaseEnvironment();
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        if (joinPostgresDatabase != null)
        {
            pgName = joinPostgresDatabase;
            environment[PostgresVariable] = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = pgName }.ConnectionString;
        }
        else if (database == Database.Postgres)
        {
            var (name, connectionString) = template
                ? await DatabaseTemplates.CreatePostgresAsync()
                : await TestPostgres.CreateDatabaseAsync();
            pgName = name;
            environment[PostgresVariable] = connectionString;
        }
        else if (template)
        {
            await DatabaseTemplates.CopySqliteAsync(dataDir);
        }

        if (hosting == ServerHosting.Published) await PublishedBinary.EnsureAsync();
        var timeout = startTimeout ?? TimeSpan.FromSeconds(90);
        var attempts = new List<string>();
        try
        {
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var port = LoopbackPorts.Free();
                var baseUrl = $"http://127.0.0.1:{port}";
                var output = new ServerOutput();
                var host = hosting != ServerHosting.InProcess
                    ? ChildProcessServer.Launch(["serve", "--data-dir", dataDir, "--urls", baseUrl], environment, output, hosting)
                    : InProcessServer.Start(dataDir, baseUrl, environment, output, clock);
                var server = new CheeseshopServer(database, hosting, baseUrl, dataDir, pgName, ownsDatabase: joinPostgresDatabase == null, host, output, environment);
                var failure = await server.WaitUntilHealthyAsync(timeout);
                if (failure == null) return server;

                attempts.Add($"attempt {attempt} ({baseUrl}): {failure}\n--- server output ---\n{server.Output.TrimEnd()}");
                await host.KillAsync();
                server.Http.Dispose();
                // Only a lost race for the port is worth another try.
                if (!server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) break;
            }
        }
        catch
        {
            await CleanUpAsync(dataDir, joinPostgresDatabase == null ? pgName : null);
            throw;
        }
        await CleanUpAsync(dataDir, joinPostgresDatabase == null ? pgName : null);
        throw new InvalidOperationException(
            $"The Cheeseshop server ({database}, {hosting}) did not become healthy.\n$ dotnet {dll} serve ...\n" + string.Join("\n", attempts));
    }

    /// <summary><c>cheeseshop ARGS --data-dir DATA_DIR</c> with this server's settings, run in the test process
    /// (<see cref="InProcessCli"/>): the same verbs, services and database as the executable.</summary>
    public Task<ProcessResult> RunCliAsync(params string[] args) => RunCliWithInputAsync(null, args);

    /// <summary>As <see cref="RunCliAsync"/>, with <paramref name="stdin"/> as the command's standard input.</summary>
    public Task<ProcessResult> RunCliWithInputAsync(string? stdin, params string[] args) =>
        InProcessCli.RunAsync([.. args, "--data-dir", DataDir], _environment, stdin);

    /// <summary>Runs <c>dotnet cheeseshop.dll ARGS --data-dir DATA_DIR</c> as a process of its own with this
    /// server's environment: for tests of the program itself beside a running server.</summary>
    public Task<ProcessResult> RunCliProcessAsync(params string[] args) => RunCliProcessAsync(CancellationToken.None, args);

    /// <summary>As <see cref="RunCliProcessAsync(string[])"/>; cancelling <paramref name="kill"/> kills the process
    /// (SIGKILL), as an operator's interruption or a crash would end it.</summary>
    public Task<ProcessResult> RunCliProcessAsync(CancellationToken kill, params string[] args) => RunCliProcessAsync(kill, null, args);

    /// <summary>As <see cref="RunCliProcessAsync(CancellationToken, string[])"/>; <paramref name="onStderrLine"/> sees each
    /// line of its standard error as it comes (progress lines), e.g. to kill it at a chosen step.</summary>
    public Task<ProcessResult> RunCliProcessAsync(CancellationToken kill, Action<string>? onStderrLine, params string[] args) =>
        ProcessRunner.RunAsync(
            ServerBinary.DotnetHost,
            new[] { ServerBinary.Path }.Concat(args).Concat(["--data-dir", DataDir]),
            _environment,
            stdin: null,
            workingDirectory: System.IO.Path.GetDirectoryName(ServerBinary.Path),
            timeout: TimeSpan.FromMinutes(2),
            kill: kill,
            onStderrLine: onStderrLine);

    /// <summary>The services of this server's configuration, in the test process: to read or seed its database.</summary>
    public ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCheeseshop(AppConfiguration.Build(DataDir, InProcessCli.Settings(_environment)));
        return services.BuildServiceProvider();
    }

    /// <summary>The running server's own services (not a copy): to look at its singletons, such as the page
    /// cache. Only for a server in the test process.</summary>
    public IServiceProvider AppServices => _host is InProcessServer inProcess
        ? inProcess.AppServices
        : throw new InvalidOperationException("A server running as its own process shares no services with the test.");

    public async Task<T> WithDbAsync<T>(Func<CheeseshopDb, Task<T>> action)
    {
        await using var provider = Services();
        await using var scope = provider.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CheeseshopDb>());
    }

    /// <summary>SIGTERM, as systemd or docker stop sends it (in process: the host's own graceful stop);
    /// waits for the server to stop; returns its exit code.</summary>
    public Task<int> StopGracefullyAsync() => _host.StopGracefullyAsync();

    /// <summary>Stops the server at once: SIGKILL for the program (nothing of it runs on, as after a
    /// crash); in process, the host is stopped without waiting. The data folder and database stay.</summary>
    public Task KillAsync() => _host.KillAsync();

    /// <summary>Starts the server again after a stop or a kill, on the same data folder, database,
    /// settings, hosting and port; its output goes on in <see cref="Output"/>.</summary>
    public async Task RestartAsync(TimeSpan? startTimeout = null)
    {
        if (!_host.HasExited) throw new InvalidOperationException("The server is still running: stop or kill it first.");
        _host = Hosting != ServerHosting.InProcess
            ? ChildProcessServer.Launch(["serve", "--data-dir", DataDir, "--urls", BaseUrl], _environment, _output, Hosting)
            : InProcessServer.Start(DataDir, BaseUrl, _environment, _output);
        if (await WaitUntilHealthyAsync(startTimeout ?? TimeSpan.FromSeconds(90)) is { } failure)
            throw new InvalidOperationException($"The Cheeseshop server ({Database}, {Hosting}) did not restart: {failure}\n{ServerLogTail()}");
    }

    /// <summary><c>users create</c>; throws with the command's output unless it succeeds.</summary>
    public async Task CreateUserAsync(string username, string password, bool admin = false)
    {
        var args = new List<string> { "users", "create", username, "--email", $"{username}@example.invalid", "--password-stdin" };
        if (admin) args.Add("--admin");
        var result = await RunCliWithInputAsync(password + "\n", args.ToArray());
        if (!result.Succeeded)
            throw new InvalidOperationException($"`users create {username}` failed.\n{result}\n{ServerLogTail()}");
    }

    /// <summary><c>tokens create</c>; returns the token (stdout, trimmed); throws unless it succeeds.</summary>
    public async Task<string> CreateTokenAsync(string username, string? project = null, string? description = null)
    {
        var args = new List<string> { "tokens", "create", username };
        if (project != null) args.AddRange(["--project", project]);
        if (description != null) args.AddRange(["--description", description]);
        var result = await RunCliAsync(args.ToArray());
        var token = result.Stdout.Trim();
        if (!result.Succeeded || token.Length == 0 || token.Contains('\n'))
            throw new InvalidOperationException(
                $"`tokens create {username}` should print the token alone on stdout.\n{result}\n{ServerLogTail()}");
        return token;
    }

    private readonly object _sharedGate = new();
    private Task<string>? _sharedToken;

    /// <summary>
    /// An unscoped upload token of one user ("shared-uploader") made once per server, for tests in which
    /// who uploads does not matter: two CLI runs fewer per test. Each test still uses its own projects.
    /// </summary>
    public Task<string> SharedUploadTokenAsync()
    {
        lock (_sharedGate)
        {
            if (_sharedToken == null || _sharedToken.IsFaulted || _sharedToken.IsCanceled)
                _sharedToken = CreateSharedAsync();
            return _sharedToken;
        }

        async Task<string> CreateSharedAsync()
        {
            await CreateUserAsync(SharedUploader, "shared uploader password");
            return await CreateTokenAsync(SharedUploader, description: "shared by the tests");
        }
    }

    public const string SharedUploader = "shared-uploader";

    /// <summary>The last lines of the server's output, for failure messages.</summary>
    public string ServerLogTail(int maxChars = 6000)
    {
        var all = Output;
        var tail = all.Length <= maxChars ? all : "...\n" + all[^maxChars..];
        return $"--- server output ({Database}, {BaseUrl}{(HasExited ? $", EXITED with code {_host.ExitCode}" : "")}) ---\n{tail.TrimEnd()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Http.Dispose();
        await _host.KillAsync();
        await CleanUpAsync(DataDir, _ownsDatabase ? PostgresDatabase : null);
    }

    private async Task<string?> WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(5) };
        string last = "no answer yet";
        while (stopwatch.Elapsed < timeout)
        {
            if (_host.HasExited)
            {
                await Task.Delay(200); // let the output readers finish
                return $"the server stopped with code {_host.ExitCode} before /health answered 200";
            }
            try
            {
                using var response = await probe.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return null;
                last = $"GET /health -> {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException)
            {
                last = "GET /health timed out";
            }
            await Task.Delay(100);
        }
        return $"no 200 from /health within {timeout.TotalSeconds:0} s (last: {last})";
    }

    private static async Task CleanUpAsync(string dataDir, string? pgName)
    {
        if (pgName != null)
        {
            try { await TestPostgres.DropDatabaseAsync(pgName); }
            catch (Exception ex) { Console.Error.WriteLine($"warning: could not drop test database {pgName}: {ex.Message}"); }
        }
        TempPaths.TryDelete(dataDir);
    }

    /// <summary>The inherited environment minus anything that would point the server elsewhere.</summary>
    private static Dictionary<string, string?> BaseEnvironment()
    {
        var env = new Dictionary<string, string?>();
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("CHEESESHOP_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_URLS" or "DOTNET_ENVIRONMENT" or "DOTNET_HTTP_PORTS" or "DOTNET_HTTPS_PORTS")
                env[key] = null;
        }
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        // One inotify watcher fewer per process; nothing here edits appsettings while a test runs.
        env["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        return env;
    }

}

/// <summary>Finds the built server (cheeseshop.dll) and the dotnet host that runs it.</summary>
public static class ServerBinary
{
    private static readonly Lazy<string> LazyPath = new(Locate);

    /// <summary>Full path of cheeseshop.dll; override with CHEESESHOP_TEST_DLL.</summary>
    public static string Path => LazyPath.Value;

    /// <summary>The dotnet executable: the one the SDK names in DOTNET_HOST_PATH, else the one running the tests, else PATH's.</summary>
    public static string DotnetHost
    {
        get
        {
            var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
            var self = Environment.ProcessPath;
            if (self != null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            return "dotnet";
        }
    }

    private static string Locate()
    {
        var explicitPath = Environment.GetEnvironmentVariable("CHEESESHOP_TEST_DLL");
        if (!string.IsNullOrEmpty(explicitPath))
            return File.Exists(explicitPath)
                ? System.IO.Path.GetFullPath(explicitPath)
                : throw new FileNotFoundException($"CHEESESHOP_TEST_DLL names {explicitPath}, which does not exist.");

        var candidates = new List<string>();
        var configuration = typeof(ServerBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var baseDir = AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar);
        var tfm = System.IO.Path.GetFileName(baseDir); // e.g. net10.0
        var root = RepositoryRoot.TryFind();
        if (root != null)
        {
            // The server project's own output: its deps.json and runtimeconfig.json describe exactly its dependencies.
            candidates.Add(System.IO.Path.Combine(root, "src", "Cheeseshop", "bin", configuration, tfm, "cheeseshop.dll"));
            candidates.Add(System.IO.Path.Combine(root, "src", "Cheeseshop", "bin", configuration, "net10.0", "cheeseshop.dll"));
        }
        // The copy the ProjectReference puts next to the tests.
        candidates.Add(System.IO.Path.Combine(baseDir, "cheeseshop.dll"));

        foreach (var candidate in candidates)
        {
            var runtimeConfig = System.IO.Path.ChangeExtension(candidate, ".runtimeconfig.json");
            if (File.Exists(candidate) && File.Exists(runtimeConfig)) return candidate;
        }
        throw new FileNotFoundException(
            "cheeseshop.dll (with its runtimeconfig.json) was not found; build the solution first (dotnet build -c Release). Looked in:\n  "
            + string.Join("\n  ", candidates));
    }
}

/// <summary>The folder holding Cheeseshop.slnx, found by walking up from the test binaries.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string?> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Cheeseshop.slnx"))) return dir.FullName;
        }
        return null;
    });

    public static string? TryFind() => Root.Value;

    public static string Path => Root.Value
        ?? throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Cheeseshop.slnx.");
}
