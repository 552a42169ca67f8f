using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// npm oidc-provider (a certified OpenID provider) run by node with a script of the test's own, on a free
/// loopback port. The script gets (the folder oidc-provider is installed in, the port, then the caller's
/// arguments) and prints its issuer URL as its first line once it listens. Killed when disposed.
/// </summary>
public sealed class OidcProviderProcess : IDisposable
{
    /// <summary>Set by ./scripts/test.sh: the folder holding npm oidc-provider.</summary>
    public const string EnvironmentVariable = "CHEESESHOP_TEST_OIDC_PROVIDER";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public string Issuer { get; }

    /// <summary>What the provider wrote to standard error, for a failing test's report.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public OidcProviderProcess(string script, string scriptName, params string[] arguments)
    {
        var dir = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(dir) || !File.Exists(Path.Combine(dir, "node_modules", "oidc-provider", "package.json")))
            throw new InvalidOperationException($"{EnvironmentVariable} must name a folder with npm oidc-provider installed (./scripts/test.sh does it).");
        var scriptPath = Path.Combine(TempPaths.NewDirectory("oidc-provider"), scriptName);
        File.WriteAllText(scriptPath, script);
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { scriptPath, dir, LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture) }.Concat(arguments))
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        var first = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        if (first is null || !first.StartsWith("http://", StringComparison.Ordinal))
        {
            Dispose();
            throw new InvalidOperationException($"oidc-provider did not start: {first}\n{Output}");
        }
        Issuer = first.Trim();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
