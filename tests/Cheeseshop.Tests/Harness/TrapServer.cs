using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cheeseshop.Tests.Harness;

/// <summary>
/// A stand-in for "somewhere else" on the loopback interface: it records the first line of every HTTP
/// request it receives and answers each with <paramref name="html"/> (or an empty 204). Hostile content
/// points its scripts, images and frames here; a test then asserts that nothing arrived.
/// </summary>
public sealed class TrapServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string? _html;

    public TrapServer(string? html = null)
    {
        _html = html;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Origin => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var first = await reader.ReadLineAsync(_stop.Token);
                Requests.Enqueue(first ?? "(connection without a request)");
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token))) { }
                var body = Encoding.UTF8.GetBytes(_html ?? "");
                var head = _html is null
                    ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                    : $"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                if (_html is not null) await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
