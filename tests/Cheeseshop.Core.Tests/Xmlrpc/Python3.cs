using System.Diagnostics;
using System.Text;

namespace Cheeseshop.Core.Tests.Xmlrpc;

/// <summary>
/// Runs snippets on the machine's real python3, so interoperability is checked against CPython
/// itself rather than against our reading of it.
/// </summary>
internal static class Python3
{
    private static readonly Lazy<bool> IsAvailable = new(() =>
    {
        try
        {
            return Run("print('ok')", "").Trim() == "ok";
        }
        catch (Exception)
        {
            return false;
        }
    });

    public static bool Available => IsAvailable.Value;

    /// <summary>Runs <paramref name="script"/> with <paramref name="stdin"/> as UTF-8 input; returns stdout.</summary>
    public static string Run(string script, string stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("python3 took over a minute");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3 failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }
}

/// <summary>A fact that runs the machine's python3. The test suite requires python3 (pip and twine
/// need it too), so a missing python3 fails these tests rather than skipping them.</summary>
internal sealed class PythonFactAttribute : FactAttribute;
