using System.Diagnostics;
using System.Text;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>What a finished child process did: its exit code and everything it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Stdout and stderr together, for "does the output mention X" checks.</summary>
    public string Output => Stdout + "\n" + Stderr;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("$ ").AppendLine(CommandLine);
        sb.Append("exit code ").Append(ExitCode)
          .Append(TimedOut ? " (killed: timed out)" : "")
          .Append(" after ").Append(Elapsed.TotalSeconds.ToString("0.0")).AppendLine(" s");
        if (Stdout.Length > 0) sb.AppendLine("--- stdout ---").AppendLine(Stdout.TrimEnd());
        if (Stderr.Length > 0) sb.AppendLine("--- stderr ---").AppendLine(Stderr.TrimEnd());
        return sb.ToString();
    }
}

/// <summary>Runs a program to completion with a clean, explicit environment and a time limit.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? stdin = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        CancellationToken kill = default,
        Action<string>? onStderrLine = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        ApplyEnvironment(psi, environment);

        var commandLine = Describe(fileName, psi.ArgumentList);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            onStderrLine?.Invoke(e.Data);
        };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Could not start `{commandLine}`: {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (stdin != null) await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited without reading its input; its exit code tells the rest.
        }

        var timedOut = false;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(kill))
        {
            cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // A kill the caller asked for is an interruption it tests, not a timeout.
                timedOut = !kill.IsCancellationRequested;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                // Cancel() runs this continuation on the thread that called it, which may be the output reader's
                // (onStderrLine cancelling `kill`): leave that thread, or the wait for the end of the output below
                // waits for the very thread it runs on. The kill above goes first, at the moment asked for.
                await Task.Yield();
            }
        }
        // Drains the asynchronous readers (WaitForExit() without a timeout waits for EOF on both pipes).
        process.WaitForExit();
        stopwatch.Stop();
        string o, e;
        lock (stdout) o = stdout.ToString();
        lock (stderr) e = stderr.ToString();
        return new ProcessResult(commandLine, timedOut ? -1 : process.ExitCode, o, e, timedOut, stopwatch.Elapsed);
    }

    /// <summary>Applies changes to the inherited environment: a null value removes the variable.</summary>
    public static void ApplyEnvironment(ProcessStartInfo psi, IReadOnlyDictionary<string, string?>? environment)
    {
        if (environment == null) return;
        foreach (var (key, value) in environment)
        {
            if (value == null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }
    }

    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
