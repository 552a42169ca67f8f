using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// Base of the end-to-end tests: a shared server per database (class fixture), logging of every
/// command to the test output, failure messages that carry the command's output and the server's
/// log, and clean-up of the test's virtual environments.
/// </summary>
public abstract class EndToEndTest : IClassFixture<ServerFixture>, IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    private readonly ServerFixture _servers;
    private readonly List<Venv> _venvs = new();
    private readonly List<(CheeseshopServer Server, int Mark)> _watched = new();

    protected EndToEndTest(ServerFixture servers, ITestOutputHelper output)
    {
        _servers = servers;
        Out = output;
    }

    protected ITestOutputHelper Out { get; }

    /// <summary>The class's server for <paramref name="database"/>; its output from now on goes to this test's log.</summary>
    protected async Task<CheeseshopServer> ServerAsync(Database database)
    {
        var server = await _servers.GetAsync(database);
        Watch(server);
        return server;
    }

    /// <summary>Sends the server's output from now on to this test's log and failure messages.</summary>
    protected void Watch(CheeseshopServer server)
    {
        _watched.Add((server, server.OutputMark));
        Log($"server: {server.BaseUrl} ({server.Database}{(server.PostgresDatabase is { } pg ? ", database " + pg : "")}), data {server.DataDir}");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> SharedTokens = new();

    /// <summary>A token of one uploader shared by every test of a server that only needs *an* uploader:
    /// creating a user costs two CLI runs (and an Argon2 hash), which adds up over dozens of cases.</summary>
    protected Task<string> SharedUploaderAsync(CheeseshopServer server) =>
        SharedTokens.GetOrAdd(server.BaseUrl + "|" + server.DataDir,
            _ => new Lazy<Task<string>>(() => UploaderAsync(server, "shared-uploader"))).Value;

    /// <summary>Creates a user and an API token for it; returns the token.</summary>
    protected async Task<string> UploaderAsync(CheeseshopServer server, string username, string? project = null)
    {
        await server.CreateUserAsync(username, Password);
        var token = await server.CreateTokenAsync(username, project);
        Log($"user {username} with token {token[..Math.Min(12, token.Length)]}...");
        return token;
    }

    /// <summary>The server's shared uploader token (see <see cref="CheeseshopServer.SharedUploadTokenAsync"/>).</summary>
    protected async Task<string> SharedTokenAsync(CheeseshopServer server)
    {
        var token = await server.SharedUploadTokenAsync();
        Log($"shared uploader token {token[..Math.Min(12, token.Length)]}...");
        return token;
    }

    protected async Task<BuiltProject> BuildAsync(string fixture, string version, string suffix,
        IReadOnlyDictionary<string, string>? tokens = null)
    {
        var built = await PythonTools.BuildAsync(fixture, version, suffix, tokens);
        Log($"built {Path.GetFileName(built.Sdist)} and {Path.GetFileName(built.Wheel)}");
        return built;
    }

    protected async Task<ProcessResult> TwineAsync(CheeseshopServer server, string password, IEnumerable<string> files,
        params string[] extraArgs) =>
        Logged(await PythonTools.TwineUploadAsync(server.UploadUrl, "__token__", password, files, extraArgs));

    /// <summary>twine upload with the token; fails the test unless twine succeeds.</summary>
    protected async Task UploadAsync(CheeseshopServer server, string token, params BuiltProject[] projects)
    {
        var result = await TwineAsync(server, token, projects.SelectMany(p => p.Files));
        AssertSucceeded(result, "twine upload");
    }

    protected async Task<Venv> NewVenvAsync(PythonFlavor flavor = PythonFlavor.Debian)
    {
        var venv = await PythonTools.CreateVenvAsync(flavor);
        _venvs.Add(venv);
        return venv;
    }

    protected async Task<ProcessResult> PipInstallAsync(Venv venv, CheeseshopServer server, params string[] args) =>
        Logged(await venv.PipInstallAsync(server.SimpleIndexUrl, args));

    /// <summary>An admin verb run in the test process (<see cref="InProcessCli"/>).</summary>
    protected async Task<ProcessResult> CliAsync(CheeseshopServer server, params string[] args) =>
        Logged(await server.RunCliAsync(args));

    /// <summary>An admin verb run as the real executable, a process of its own beside the server.</summary>
    protected async Task<ProcessResult> CliProcessAsync(CheeseshopServer server, params string[] args) =>
        Logged(await server.RunCliProcessAsync(args));

    /// <summary>The installed version of a distribution in the venv (null: not installed).</summary>
    protected async Task<string?> InstalledVersionAsync(Venv venv, string distribution)
    {
        var version = await venv.InstalledVersionAsync(distribution);
        Log($"installed {distribution}: {version ?? "(not installed)"}");
        return version;
    }

    /// <summary>Imports a module in the venv; fails the test unless it works; returns what it printed.</summary>
    protected async Task<string> ImportAsync(Venv venv, string module, string expression = "__version__")
    {
        var result = Logged(await venv.ImportAsync(module, expression));
        AssertSucceeded(result, $"import {module}");
        return result.Stdout.Trim();
    }

    /// <summary>GET /simple/{project}/ as PEP 691 JSON: each file's name, absolute URL and sha256.</summary>
    protected async Task<IReadOnlyList<(string Filename, Uri Url, string? Sha256)>> SimpleJsonFilesAsync(
        CheeseshopServer server, string project)
    {
        var pageUrl = new Uri($"{server.BaseUrl}/simple/{project}/");
        using var request = new HttpRequestMessage(HttpMethod.Get, pageUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.pypi.simple.v1+json"));
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            Fail($"GET {pageUrl} (PEP 691 JSON) -> {(int)response.StatusCode} {response.ReasonPhrase}\n{body}");
        var files = new List<(string, Uri, string?)>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
            {
                var sha = f.TryGetProperty("hashes", out var h) && h.TryGetProperty("sha256", out var s) ? s.GetString() : null;
                files.Add((f.GetProperty("filename").GetString()!, new Uri(pageUrl, f.GetProperty("url").GetString()!), sha));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Fail($"GET {pageUrl} (PEP 691 JSON) is not the expected JSON ({ex.Message}):\n{body}");
        }
        return files;
    }

    protected static string Sha256Of(string path) =>
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    protected static string Sha256Of(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    protected ProcessResult Logged(ProcessResult result)
    {
        Log(result.ToString());
        return result;
    }

    protected void Log(string message) => Out.WriteLine($"[{DateTime.Now:HH:mm:ss.fff}] {message}");

    /// <summary>Fails the test with the command's output and the server's log unless the command succeeded.</summary>
    protected void AssertSucceeded(ProcessResult result, string what)
    {
        if (!result.Succeeded) Fail($"{what} should succeed but did not.\n{result}");
    }

    /// <summary>Fails the test unless the command failed and its output contains every expected text.</summary>
    protected void AssertFailed(ProcessResult result, string what, params string[] expectedInOutput)
    {
        if (result.Succeeded) Fail($"{what} should fail but exited 0.\n{result}");
        if (result.TimedOut) Fail($"{what} should fail promptly but timed out.\n{result}");
        foreach (var expected in expectedInOutput)
        {
            if (!result.Output.Contains(expected, StringComparison.OrdinalIgnoreCase))
                Fail($"{what} failed as it should, but its output lacks \"{expected}\".\n{result}");
        }
    }

    protected void AssertOutputContains(ProcessResult result, string expected, string what)
    {
        if (!result.Output.Contains(expected, StringComparison.OrdinalIgnoreCase))
            Fail($"{what}: the output of the command lacks \"{expected}\".\n{result}");
    }

    protected void AssertEqual<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            Fail($"{what}: expected {Show(expected)}, got {Show(actual)}.");
    }

    private static string Show<T>(T value) => value is null ? "(null)" : $"\"{value}\"";

    /// <summary>Fails the test; the message gets the tail of the server's output during this test.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    protected void Fail(string message)
    {
        var log = string.Concat(_watched.Select(w => "\n" + ServerLogDuringTest(w.Server, w.Mark, 8000)));
        Assert.Fail(message + log);
    }

    private static string ServerLogDuringTest(CheeseshopServer server, int mark, int maxChars)
    {
        var text = server.OutputSince(mark);
        if (text.Length > maxChars) text = "...\n" + text[^maxChars..];
        return $"--- server output during this test ({server.Database}, {server.BaseUrl}{(server.HasExited ? ", server EXITED" : "")}) ---\n{text.TrimEnd()}";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var (server, mark) in _watched) Out.WriteLine(ServerLogDuringTest(server, mark, 200_000));
        foreach (var venv in _venvs) venv.Dispose();
        return Task.CompletedTask;
    }
}
