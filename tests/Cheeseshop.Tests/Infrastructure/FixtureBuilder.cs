using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// One <c>/usr/bin/python3 fixture_builder.py</c> per test run that builds fixtures with setuptools' PEP 517
/// backend, the hooks <c>python -m build --no-isolation</c> calls, each build in a fork of it. A run builds
/// over a hundred fixtures, and <c>python -m build</c> starts Python and imports setuptools five times for
/// each, which costs far more than the builds themselves. Builds go one at a time.
/// </summary>
public static class FixtureBuilder
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Process? _worker;
    private static readonly StringBuilder WorkerErrors = new();

    /// <summary>Builds the project in <paramref name="src"/> into <paramref name="outdir"/> and returns the paths of its sdist
    /// and wheel; its output goes to <paramref name="log"/>, which a failure carries.</summary>
    public static async Task<(string Sdist, string Wheel)> BuildAsync(string src, string outdir, string log)
    {
        await Gate.WaitAsync();
        try
        {
            var worker = EnsureWorker();
            await worker.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { src, outdir, log }));
            await worker.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            string? line;
            try
            {
                line = await worker.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                StopWorker();
                throw Failed($"The fixture builder took over 3 minutes for {src}.", log);
            }
            if (line is null)
            {
                StopWorker();
                string errors;
                lock (WorkerErrors) errors = WorkerErrors.ToString();
                throw Failed($"The fixture builder exited.\n{errors}", log);
            }
            using var answer = JsonDocument.Parse(line);
            var root = answer.RootElement;
            if (!root.GetProperty("ok").GetBoolean()) throw Failed($"Building {src} failed.", log);
            return (Path.Combine(outdir, root.GetProperty("sdist").GetString()!), Path.Combine(outdir, root.GetProperty("wheel").GetString()!));
        }
        finally
        {
            Gate.Release();
        }
    }

    private static InvalidOperationException Failed(string what, string log) =>
        new($"{what}\n{(File.Exists(log) ? File.ReadAllText(log) : "(no build log)")}");

    private static Process EnsureWorker()
    {
        if (_worker is { HasExited: false }) return _worker;
        var script = Path.Combine(RepositoryRoot.Path, "tests", "Cheeseshop.Tests", "Infrastructure", "fixture_builder.py");
        var psi = new ProcessStartInfo(PythonTools.DebianPython)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TempPaths.Root,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(script);
        ProcessRunner.ApplyEnvironment(psi, PythonTools.IsolatedEnvironment());
        var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (WorkerErrors) WorkerErrors.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        _worker = process;
        return process;
    }

    private static void StopWorker()
    {
        try { _worker?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _worker = null;
    }
}
