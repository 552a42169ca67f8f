using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// A Python HTTP server on a free loopback port, for tests that need an index no Cheeseshop would be
/// (HTML only, tampered, slow): Debian's python3 runs the given arguments with the port appended where
/// {port} stands. Started once it accepts connections; killed with its process tree when disposed.
/// </summary>
public sealed class PythonHttpServer : IDisposable
{
    private readonly Process _process;

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    private PythonHttpServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static PythonHttpServer Start(IEnumerable<string> arguments, Action<string> log)
    {
        var port = LoopbackPorts.Free();
        var args = arguments.Select(a => a.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var process = Process.Start(new ProcessStartInfo(PythonTools.DebianPython, args)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log("python: " + e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PythonHttpServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
