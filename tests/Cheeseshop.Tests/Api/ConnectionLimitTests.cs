using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Api;

/// <summary>
/// The server's connection limits, seen from raw TCP sockets: an idle keep-alive connection is closed
/// after the configured timeout, and connections over the configured maximum are turned away.
/// No storage is involved, so one database is enough. Each test starts a server of its own with its
/// settings (not the class's shared one), so the servers' logs go into failure messages by hand.
/// </summary>
public sealed class ConnectionLimitTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _tcp = new();
        private NetworkStream _stream = null!;

        public static async Task<RawConnection> OpenAsync(CheeseshopServer server)
        {
            var uri = new Uri(server.BaseUrl);
            var connection = new RawConnection();
            await connection._tcp.ConnectAsync(uri.Host, uri.Port);
            connection._stream = connection._tcp.GetStream();
            return connection;
        }

        /// <summary>When the last response was complete: from then on the server counts the connection idle.</summary>
        private long _answeredAt;

        /// <summary>GET /health on this connection; the status line, or null when the server closed it.</summary>
        public async Task<string?> GetHealthAsync()
        {
            try
            {
                // Taken before the request is sent, so the idle time measured below is never shorter
                // than the server's, however late this test resumes.
                _answeredAt = Stopwatch.GetTimestamp();
                await _stream.WriteAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray());
                var received = new StringBuilder();
                var buffer = new byte[4096];
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                // The body is "ok": the response is complete once it arrives.
                while (!received.ToString().EndsWith("\r\n\r\nok", StringComparison.Ordinal))
                {
                    var n = await _stream.ReadAsync(buffer, timeout.Token);
                    if (n == 0) return null;
                    received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                return received.ToString().Split("\r\n")[0];
            }
            catch (IOException)
            {
                return null; // reset by the server
            }
        }

        /// <summary>Waits up to <paramref name="limit"/> for the server to close the connection; how long it took, or null.</summary>
        public async Task<TimeSpan?> WaitForCloseAsync(TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                var n = await _stream.ReadAsync(new byte[1], timeout.Token);
                return n == 0 ? Stopwatch.GetElapsedTime(_answeredAt) : null;
            }
            catch (OperationCanceledException) { return null; }
            catch (IOException) { return Stopwatch.GetElapsedTime(_answeredAt); }
        }

        public void Dispose() => _tcp.Dispose();
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_configured_timeout()
    {
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Connections__KeepAliveTimeoutSeconds"] = "2",
        });
        using var connection = await RawConnection.OpenAsync(server);
        AssertEqual("HTTP/1.1 200 OK", await connection.GetHealthAsync(), "first request");
        // Half the default timeout (30 s): long enough for a server starved by a loaded machine to get to it, short
        // enough that the default, had the setting been ignored, would fail.
        var closedAfter = await connection.WaitForCloseAsync(TimeSpan.FromSeconds(15));
        Log($"closed after {closedAfter?.TotalSeconds:0.0} s");
        if (closedAfter is null)
            Fail("an idle keep-alive connection should be closed after the configured 2 s (plus the server's 1 s timer), but stayed open for 15 s\n" + server.ServerLogTail());
        Assert.True(closedAfter >= TimeSpan.FromSeconds(2), $"closed after {closedAfter}, before the 2 s timeout");
    }

    [Fact]
    public async Task Connections_over_the_configured_maximum_are_turned_away()
    {
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Connections__MaxConcurrentConnections"] = "3",
        });
        var open = new List<RawConnection>();
        try
        {
            // The start-up health probe's connection may still be closing: let it go.
            for (var i = 0; i < 3; i++)
            {
                string? status = null;
                for (var attempt = 0; attempt < 20 && status is null; attempt++)
                {
                    var c = await RawConnection.OpenAsync(server);
                    status = await c.GetHealthAsync();
                    if (status is null) { c.Dispose(); await Task.Delay(250); }
                    else open.Add(c);
                }
                AssertEqual("HTTP/1.1 200 OK", status, $"connection {i + 1} of 3");
            }

            using (var fourth = await RawConnection.OpenAsync(server))
                AssertEqual(null, await fourth.GetHealthAsync(), "a fourth connection while three are open");

            open[0].Dispose();
            open.RemoveAt(0);
            string? again = null;
            for (var attempt = 0; attempt < 20 && again is null; attempt++)
            {
                using var c = await RawConnection.OpenAsync(server);
                again = await c.GetHealthAsync();
                if (again is null) await Task.Delay(250);
            }
            AssertEqual("HTTP/1.1 200 OK", again, "a new connection once one of the three closed");
        }
        finally
        {
            foreach (var c in open) c.Dispose();
        }
    }
}
