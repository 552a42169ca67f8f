using System.Diagnostics;
using System.Text;
using Cheeseshop.Configuration;
using Cheeseshop.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>How a test server runs.</summary>
public enum ServerHosting
{
    /// <summary>The app (ServerHost.Build, the code behind `cheeseshop serve`) in the test process, on a
    /// loopback port: real Kestrel and HTTP, without a process start and a fresh JIT per server.</summary>
    InProcess,

    /// <summary><c>dotnet cheeseshop.dll serve</c>, a child process: the published program as operators run
    /// it, for pip, twine and the admin executable beside it, a stop by signal, and several nodes.</summary>
    Process,
}

/// <summary>A started server, whichever way it runs.</summary>
internal interface IRunningServer
{
    bool HasExited { get; }

    int ExitCode { get; }

    /// <summary>Stops it at once (kill or host stop) and releases it.</summary>
    Task KillAsync();

    /// <summary>Stops it as SIGTERM does (the host's graceful stop); returns the exit code.</summary>
    Task<int> StopGracefullyAsync();
}

internal sealed class ChildProcessServer(Process process) : IRunningServer
{
    private bool _released;

    public bool HasExited => _released || process.HasExited;

    public int ExitCode => process.ExitCode;

    public static ChildProcessServer Launch(string[] args, IReadOnlyDictionary<string, string?> environment, ServerOutput output)
    {
        var psi = new ProcessStartInfo(ServerBinary.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerBinary.Path)!,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(ServerBinary.Path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        ProcessRunner.ApplyEnvironment(psi, environment);

        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => output.AppendLine("[out] ", e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine("[err] ", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return new ChildProcessServer(process);
    }

    public async Task KillAsync()
    {
        if (_released) return;
        _released = true;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }
        process.Dispose();
    }

    public async Task<int> StopGracefullyAsync()
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString()]);
        if (!kill.Succeeded) throw new InvalidOperationException($"kill -TERM failed: {kill}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }
}

/// <summary>
/// The app in the test process. What it prints (its console log, the request log) goes to the server's
/// output: the console writers are routed per async flow (<see cref="ConsoleRouting"/>), and the log's
/// writer thread and the background services start inside the flow that starts the server.
/// </summary>
internal sealed class InProcessServer : IRunningServer
{
    private readonly WebApplication _app;
    private readonly Task<int> _run;
    private bool _released;

    private InProcessServer(WebApplication app, Task<int> run)
    {
        _app = app;
        _run = run;
    }

    public bool HasExited => _released || _run.IsCompleted;

    public int ExitCode => _run.IsCompletedSuccessfully ? _run.Result : 1;

    /// <summary>The running app's own services (its singletons, such as the page cache).</summary>
    public IServiceProvider AppServices => _app.Services;

    /// <summary>Builds and starts the app as `cheeseshop serve --data-dir DIR --urls URL` would; a setting it
    /// cannot run with or a failure while running is written to the output, as the program prints it.</summary>
    public static IRunningServer Start(string dataDir, string baseUrl, IReadOnlyDictionary<string, string?> environment, ServerOutput output,
        TimeProvider? clock = null)
    {
        using var _ = ConsoleRouting.Route(output.Writer("[out] "), output.Writer("[err] "), TextReader.Null);
        WebApplication app;
        try
        {
            app = ServerHost.Build(AppConfiguration.Build(dataDir, InProcessCli.Settings(environment)),
            [
                "--urls", baseUrl,
                // Razor Pages are found in the application's assembly, which is not the test host's.
                "--applicationName", typeof(ServerHost).Assembly.GetName().Name!,
                "--contentRoot", Path.GetDirectoryName(ServerBinary.Path)!,
                "--hostBuilder:reloadConfigOnChange", "false",
            ], clock);
        }
        catch (InvalidSettingsException e)
        {
            output.AppendLine("[err] ", $"error: invalid configuration: {e.Message}");
            return new Failed(1);
        }
        // Creates the console log's writer thread now, inside the routed flow.
        app.Logger.LogDebug("in-process test server on {Url}", baseUrl);
        var run = Task.Run(async () =>
        {
            try
            {
                return await ServerHost.RunAsync(app);
            }
            catch (Exception e)
            {
                output.AppendLine("[err] ", $"Unhandled exception. {e}");
                return 134;
            }
        });
        return new InProcessServer(app, run);
    }

    public async Task KillAsync()
    {
        if (_released) return;
        _released = true;
        await StopAsync(TimeSpan.FromSeconds(5));
    }

    public async Task<int> StopGracefullyAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(60));
        return ExitCode;
    }

    private async Task StopAsync(TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            if (!_run.IsCompleted) await _app.StopAsync(cts.Token);
            await _run.WaitAsync(timeout);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
        }
        try
        {
            await _app.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>A server that never ran.</summary>
    private sealed class Failed(int code) : IRunningServer
    {
        public bool HasExited => true;
        public int ExitCode => code;
        public Task KillAsync() => Task.CompletedTask;
        public Task<int> StopGracefullyAsync() => Task.FromResult(code);
    }
}

/// <summary>Everything a server printed, each line tagged with its stream; capped so a runaway log cannot
/// exhaust the test process.</summary>
public sealed class ServerOutput
{
    private const int MaxChars = 4_000_000;
    private readonly StringBuilder _text = new();

    public int Length
    {
        get { lock (_text) return _text.Length; }
    }

    public override string ToString()
    {
        lock (_text) return _text.ToString();
    }

    public string Since(int mark)
    {
        lock (_text) return mark >= _text.Length ? "" : _text.ToString(mark, _text.Length - mark);
    }

    public void AppendLine(string tag, string? line)
    {
        if (line == null) return;
        lock (_text)
        {
            if (_text.Length < MaxChars) _text.Append(tag).AppendLine(line);
        }
    }

    /// <summary>A writer that appends whole lines with <paramref name="tag"/>.</summary>
    public TextWriter Writer(string tag) => TextWriter.Synchronized(new LineWriter(this, tag));

    private sealed class LineWriter(ServerOutput output, string tag) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                output.AppendLine(tag, _line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void Write(string? value)
        {
            if (value == null) return;
            foreach (var c in value) Write(c);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            for (var i = 0; i < count; i++) Write(buffer[index + i]);
        }
    }
}
